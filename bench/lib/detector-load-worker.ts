import { parentPort } from 'node:worker_threads'
import { runSimulation } from '../../services/simulator/index.js'
import type { LoadReply, LoadRequest } from './detector-load.js'

/** The traffic simulator on its own thread (see detector-load.ts). */

let controller: AbortController | undefined

function reply(message: LoadReply): void {
  parentPort?.postMessage(message)
}

parentPort?.on('message', (request: LoadRequest) => {
  if (request.kind === 'stop') {
    controller?.abort()
    return
  }
  const { spec } = request
  controller = new AbortController()
  runSimulation({
    url: spec.url,
    token: spec.token,
    seed: spec.seed,
    rate: spec.rate,
    duration: spec.maxSeconds,
    tenants: [{ id: spec.tenantId, timezone: 'UTC' }],
    formats: ['generic'],
    signal: controller.signal,
  }).then(
    (summary) => reply({ kind: 'summary', summary }),
    (err: unknown) =>
      reply({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  )
})
