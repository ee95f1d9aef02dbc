import { Worker } from 'node:worker_threads'
import type { LoadResult, LoadSpec, WorkerReply, WorkerRequest } from './load-protocol.js'

export type { LoadResult, LoadSpec } from './load-protocol.js'

/** The load generator on its own thread; one run at a time. */
export class LoadGenerator {
  private readonly worker = new Worker(new URL('./load-worker.js', import.meta.url))

  run(spec: LoadSpec, bodies: string[]): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        this.worker.off('error', onError)
        if (reply.kind === 'result') resolve(reply.result)
        else reject(new Error(`the load generator failed: ${reply.message}`))
      }
      const onError = (err: Error) => {
        this.worker.off('message', onMessage)
        reject(err)
      }
      this.worker.once('message', onMessage)
      this.worker.once('error', onError)
      this.worker.postMessage({ kind: 'run', spec, bodies } satisfies WorkerRequest)
    })
  }

  async stop(): Promise<void> {
    await this.worker.terminate()
  }
}
