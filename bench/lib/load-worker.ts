import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort } from 'node:worker_threads'
import { threadCpuSeconds } from './machine.js'
import type { LoadResult, LoadSpec, WorkerReply, WorkerRequest } from './load-protocol.js'

/**
 * The HTTP load generator. It runs on a worker thread so that its own work does not share the
 * collector's event loop; on a 2-core machine it still shares the CPU with the collector and Kafka.
 */

interface Answer {
  status: number
  accepted: number
  detail?: string
}

const MAX_FAILURES_KEPT = 5

function post(agent: http.Agent, target: URL, token: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/v1/events',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          Authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const status = response.statusCode ?? 0
          const text = Buffer.concat(chunks).toString('utf8')
          let accepted = 0
          try {
            accepted = Number((JSON.parse(text) as { accepted?: unknown }).accepted) || 0
          } catch {
            accepted = 0
          }
          resolve(status === 202 ? { status, accepted } : { status, accepted, detail: text.slice(0, 300) })
        })
        response.on('error', (err) => resolve({ status: 0, accepted: 0, detail: err.message }))
      },
    )
    request.on('error', (err) => resolve({ status: 0, accepted: 0, detail: err.message }))
    request.end(body)
  })
}

class Tally {
  readonly latenciesMs: number[] = []
  requests = 0
  acceptedEvents = 0
  readonly total = { accepted202: 0, acceptedEvents: 0, statuses: {} as Record<string, number> }
  readonly failures: string[] = []

  record(answer: Answer, latencyMs: number, inWindow: boolean): void {
    const key = answer.status === 0 ? 'network_error' : String(answer.status)
    this.total.statuses[key] = (this.total.statuses[key] ?? 0) + 1
    if (answer.status === 202) {
      this.total.accepted202++
      this.total.acceptedEvents += answer.accepted
    } else if (this.failures.length < MAX_FAILURES_KEPT) {
      this.failures.push(`${key}: ${answer.detail ?? ''}`)
    }
    if (!inWindow) return
    this.requests++
    this.latenciesMs.push(latencyMs)
    if (answer.status === 202) this.acceptedEvents += answer.accepted
  }
}

type Bodies = (sequence: number) => Buffer

async function closedLoop(spec: LoadSpec, agent: http.Agent, bodyFor: Bodies, tally: Tally) {
  const target = new URL(spec.url)
  const started = performance.now()
  const windowStart = started + spec.warmupMs
  const windowEnd = windowStart + spec.durationMs
  const maxRequests = spec.maxRequests ?? Number.POSITIVE_INFINITY
  let next = 0
  let lastAnswer = started
  const connection = async () => {
    while (performance.now() < windowEnd && next < maxRequests) {
      const body = bodyFor(next++)
      const sent = performance.now()
      const answer = await post(agent, target, spec.token, body)
      const done = performance.now()
      lastAnswer = Math.max(lastAnswer, done)
      tally.record(answer, done - sent, done >= windowStart && done <= windowEnd)
    }
  }
  await Promise.all(Array.from({ length: spec.connections }, connection))
  return spec.maxRequests === undefined ? spec.durationMs : lastAnswer - windowStart
}

/**
 * Sends on a fixed schedule whatever the answers do, and measures each latency from the time the
 * request was due, not from when it could leave: a slow collector then shows as latency instead of
 * silently lowering the offered rate (coordinated omission).
 */
async function openLoop(spec: LoadSpec, agent: http.Agent, bodyFor: Bodies, tally: Tally) {
  const target = new URL(spec.url)
  const rate = spec.eventsPerSecond ?? 0
  const intervalMs = (spec.batch / rate) * 1000
  const total = Math.max(1, Math.round(spec.durationMs / intervalMs))
  const started = performance.now()
  let fired = 0
  let lastAnswer = started
  const inFlight: Promise<void>[] = []
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      while (fired < total && started + fired * intervalMs <= now) {
        const due = started + fired * intervalMs
        const body = bodyFor(fired)
        fired++
        inFlight.push(
          post(agent, target, spec.token, body).then((answer) => {
            const done = performance.now()
            lastAnswer = Math.max(lastAnswer, done)
            tally.record(answer, done - due, true)
          }),
        )
      }
      if (fired >= total) {
        resolve()
        return
      }
      setTimeout(tick, Math.max(0, started + fired * intervalMs - performance.now()))
    }
    tick()
  })
  await Promise.all(inFlight)
  return Math.max(spec.durationMs, lastAnswer - started)
}

async function run(spec: LoadSpec, bodyTexts: string[]): Promise<LoadResult> {
  const bodies = bodyTexts.map((text) => Buffer.from(text, 'utf8'))
  const placeholder = spec.sequencePlaceholder
  const bodyFor: Bodies = placeholder
    ? (sequence) =>
        Buffer.from(bodyTexts[sequence % bodyTexts.length]!.replaceAll(placeholder, String(sequence)))
    : (sequence) => bodies[sequence % bodies.length]!
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections })
  const tally = new Tally()
  const eluBefore = performance.eventLoopUtilization()
  const cpuBefore = threadCpuSeconds()
  try {
    const windowMs =
      spec.mode === 'closed'
        ? await closedLoop(spec, agent, bodyFor, tally)
        : await openLoop(spec, agent, bodyFor, tally)
    return {
      windowMs,
      requests: tally.requests,
      latenciesMs: tally.latenciesMs,
      acceptedEvents: tally.acceptedEvents,
      total: tally.total,
      failures: tally.failures,
      loadElu: performance.eventLoopUtilization(eluBefore).utilization,
      cpuSeconds: threadCpuSeconds() - cpuBefore,
    }
  } finally {
    agent.destroy()
  }
}

parentPort?.on('message', (message: WorkerRequest) => {
  run(message.spec, message.bodies).then(
    (result) => parentPort?.postMessage({ kind: 'result', result } satisfies WorkerReply),
    (err: unknown) =>
      parentPort?.postMessage({
        kind: 'error',
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies WorkerReply),
  )
})
