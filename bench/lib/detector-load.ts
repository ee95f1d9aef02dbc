import { Worker } from 'node:worker_threads'
import type { SimulationSummary } from '../../services/simulator/index.js'

/**
 * Benign background traffic for the detector benchmark: the traffic simulator (services/simulator,
 * `runSimulation`) on a worker thread, paced open-loop at a fixed rate of generic events to the
 * collector, until stopped.
 */

export interface BackgroundSpec {
  url: string
  token: string
  tenantId: string
  /** MCP calls (one event each in the generic format) per second. */
  rate: number
  /** Upper bound of the run in seconds; `stop()` usually ends it sooner. */
  maxSeconds: number
  seed: string
}

export type LoadRequest = { kind: 'start'; spec: BackgroundSpec } | { kind: 'stop' }

export type LoadReply = { kind: 'summary'; summary: SimulationSummary } | { kind: 'error'; message: string }

export class BackgroundTraffic {
  private readonly worker = new Worker(new URL('./detector-load-worker.js', import.meta.url))
  private running: Promise<SimulationSummary> | undefined

  start(spec: BackgroundSpec): void {
    if (this.running) throw new Error('the background traffic is already running')
    this.running = new Promise((resolve, reject) => {
      const onMessage = (message: LoadReply) => {
        this.worker.off('error', onError)
        if (message.kind === 'summary') resolve(message.summary)
        else reject(new Error(`the traffic simulator failed: ${message.message}`))
      }
      const onError = (err: Error) => {
        this.worker.off('message', onMessage)
        reject(err)
      }
      this.worker.once('message', onMessage)
      this.worker.once('error', onError)
    })
    this.worker.postMessage({ kind: 'start', spec } satisfies LoadRequest)
  }

  /** Stops sending and resolves with the simulator's report once every request was answered. */
  async stop(): Promise<SimulationSummary> {
    if (!this.running) throw new Error('the background traffic was not started')
    this.worker.postMessage({ kind: 'stop' } satisfies LoadRequest)
    const summary = await this.running
    this.running = undefined
    return summary
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }
}
