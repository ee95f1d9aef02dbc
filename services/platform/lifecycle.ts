import type { Logger } from './logger.js'

interface Stoppable {
  name: string
  stop: () => Promise<void>
}

/**
 * Ordered graceful shutdown. Components register as they start; they stop in reverse order
 * (stop accepting, drain consumers, flush writers, close clients), each bounded by a timeout so
 * one stuck component cannot hold the process forever.
 */
export class Lifecycle {
  private readonly components: Stoppable[] = []
  private stopping: Promise<void> | undefined

  constructor(
    private readonly logger: Logger,
    private readonly stepTimeoutMs = 15_000,
  ) {}

  register(name: string, stop: () => Promise<void>): void {
    this.components.push({ name, stop })
  }

  get isStopping(): boolean {
    return this.stopping !== undefined
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= this.stopAll(reason)
    return this.stopping
  }

  private async stopAll(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutdown_started')
    for (const component of [...this.components].reverse()) {
      const started = Date.now()
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          component.stop(),
          new Promise((_resolve, reject) => {
            timer = setTimeout(
              () => reject(new Error(`did not stop within ${this.stepTimeoutMs} ms`)),
              this.stepTimeoutMs,
            )
          }),
        ])
        this.logger.info({ component: component.name, ms: Date.now() - started }, 'component_stopped')
      } catch (err) {
        this.logger.error({ err, component: component.name }, 'component_stop_failed')
      } finally {
        clearTimeout(timer)
      }
    }
    this.logger.info({ reason }, 'shutdown_finished')
  }

  /** SIGINT/SIGTERM run the ordered stop once; a second signal exits at once. */
  handleSignals(onStopped: () => void = () => process.exit(0)): void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.isStopping) {
        this.logger.warn({ signal }, 'shutdown_forced')
        process.exit(1)
      }
      void this.stop(signal).then(onStopped)
    }
    process.on('SIGINT', handler)
    process.on('SIGTERM', handler)
  }
}
