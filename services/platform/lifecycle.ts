import { HealthRegistry } from './health.js'
import type { Logger } from './logger.js'

interface Stoppable {
  name: string
  stop: () => Promise<void>
}

/**
 * Ordered graceful shutdown. Components register as they start; they stop in reverse order
 * (stop accepting, drain consumers, flush writers, close clients), each bounded by a timeout so
 * one stuck component cannot hold the process forever. Components register their health probes
 * on `health` as they start; from the first stop on, the process reports itself draining.
 */
export class Lifecycle {
  readonly health = new HealthRegistry()
  private readonly components: Stoppable[] = []
  private readonly forcedExitHooks: Array<{ name: string; run: () => void }> = []
  private stopping: Promise<void> | undefined

  constructor(
    private readonly logger: Logger,
    private readonly stepTimeoutMs = 15_000,
  ) {}

  register(name: string, stop: () => Promise<void>): void {
    this.components.push({ name, stop })
  }

  /**
   * For what must not outlive the process even when a second signal cuts the ordered stop short,
   * such as a broker child in its own process group. Runs synchronously, just before the exit.
   */
  onForcedExit(name: string, run: () => void): void {
    this.forcedExitHooks.push({ name, run })
  }

  runForcedExitHooks(): void {
    for (const hook of [...this.forcedExitHooks].reverse()) {
      try {
        hook.run()
      } catch (err) {
        this.logger.error({ err, component: hook.name }, 'forced_exit_hook_failed')
      }
    }
  }

  get isStopping(): boolean {
    return this.stopping !== undefined
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= this.stopAll(reason)
    return this.stopping
  }

  private async stopAll(reason: string): Promise<void> {
    this.health.startDraining()
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

  /** SIGINT/SIGTERM run the ordered stop once; a second signal kills the process at once. */
  handleSignals(onStopped: () => void = () => process.exit(0)): void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.isStopping) {
        this.logger.warn({ signal }, 'shutdown_forced')
        this.runForcedExitHooks()
        // Not process.exit(): with the embedded ClickHouse engine still open, its native exit
        // handlers wait on engine threads forever (seen: a process that then ignored every signal).
        process.kill(process.pid, 'SIGKILL')
      }
      void this.stop(signal).then(onStopped)
    }
    process.on('SIGINT', handler)
    process.on('SIGTERM', handler)
  }
}
