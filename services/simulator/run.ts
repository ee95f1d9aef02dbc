import { batchKey, buildRequest, maxBatchRecords } from './batches.js'
import { FileSink } from './file-sink.js'
import { createTraffic, type TrafficOptions } from './generate.js'
import { HttpSink, type HttpStats } from './http-sink.js'
import { dueAtMs, perSecond } from './pacing.js'
import type { Incident, ScenarioName } from './scenarios/index.js'
import type { SimRecord } from './types.js'

export interface SimulationOptions extends TrafficOptions {
  /** Collector base URL; with neither `url` nor `out`, nothing would happen, so one is required. */
  url?: string
  /** One token for every gateway, or a lookup by tenant and gateway. */
  token?: string | ((tenant: string, gateway: string) => string | undefined)
  /** NDJSON output file (generic events, or per format with `perFormatFiles`). */
  out?: string
  perFormatFiles?: boolean
  /** Records per request at most. Default 200. */
  batchSize?: number
  /** A gateway ships what it has buffered at least this often. Default 250 ms. */
  flushMs?: number
  maxInFlight?: number
  maxAttempts?: number
  gzip?: boolean
  /** Hold to `rate` (default when sending); off, records go out as fast as they are made. */
  pace?: boolean
  signal?: AbortSignal
  /** Called about once a second with the progress so far. */
  onProgress?: (progress: SimulationProgress) => void
}

export interface SimulationProgress {
  calls: number
  events: number
  elapsedMs: number
  /** How far sending is behind the schedule (the collector or this machine cannot keep up). */
  lagMs: number
  http?: Pick<HttpStats, 'accepted' | 'rejected' | 'retries' | 'failed'>
}

export interface SimulationSummary {
  seed: string
  start: string
  end: string
  serviceAccounts: string[]
  catalogue: string
  scenarios: ScenarioName[]
  incidents: Incident[]
  targetRate: number
  calls: number
  records: number
  events: number
  scenarioEvents: number
  /** From the start until every answer was in. */
  elapsedMs: number
  /** Achieved while sending (the final wait for answers excluded). */
  callsPerSecond: number
  eventsPerSecond: number
  maxLagMs: number
  stopped: boolean
  http?: HttpStats
  files?: Array<{ file: string; records: number }>
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Generates a run and delivers it: paced over HTTP (open loop: calls go out on schedule whatever the
 * answers, within `maxInFlight`), to NDJSON files, or both. Resolves with the report once every request
 * has been answered or given up on.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  if (!options.url && !options.out)
    throw new Error('runSimulation needs a collector url or an output file (out)')
  const traffic = createTraffic({
    ...options,
    ...(options.out && !options.perFormatFiles && !options.outputFormat
      ? { outputFormat: 'generic' as const }
      : {}),
  })
  const token = options.token
  const http = options.url
    ? new HttpSink({
        url: options.url,
        tokenFor: typeof token === 'function' ? token : () => token,
        ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.gzip ? { gzip: true } : {}),
      })
    : undefined
  const files = options.out ? new FileSink(options.out, options.perFormatFiles ?? false) : undefined
  const pace = options.pace ?? http !== undefined
  const batchSize = options.batchSize ?? 200
  const flushMs = options.flushMs ?? 250

  const buffers = new Map<string, { records: SimRecord[]; since: number }>()
  const flush = async (key: string) => {
    const buffer = buffers.get(key)
    buffers.delete(key)
    if (buffer && http) await http.send(buildRequest(buffer.records))
  }
  const flushAged = async (now: number) => {
    for (const [key, buffer] of [...buffers]) if (now - buffer.since >= flushMs) await flush(key)
  }

  const started = performance.now()
  let calls = 0
  let records = 0
  let events = 0
  let scenarioEvents = 0
  let maxLagMs = 0
  let lastCall = -1
  let lastProgress = started
  let sinceYield = 0
  const report = (now: number, lagMs: number) => {
    if (!options.onProgress || now - lastProgress < 1000) return
    lastProgress = now
    const stats = http?.stats()
    options.onProgress({
      calls,
      events,
      elapsedMs: now - started,
      lagMs,
      ...(stats
        ? {
            http: {
              accepted: stats.accepted,
              rejected: stats.rejected,
              retries: stats.retries,
              failed: stats.failed,
            },
          }
        : {}),
    })
  }

  for (const record of traffic.records) {
    if (options.signal?.aborted || http?.fatal) break
    if (record.call !== lastCall) {
      lastCall = record.call
      calls++
      if (pace) {
        const due = started + dueAtMs(record.call, traffic.rate)
        let now = performance.now()
        if (due - now > 2) {
          await flushAged(now)
          await sleep(due - performance.now())
          sinceYield = 0
          now = performance.now()
        }
        maxLagMs = Math.max(maxLagMs, now - due)
        report(now, now - due)
      }
      if (++sinceYield >= 512) {
        // Generation outpaces nothing when behind schedule: let answers and timers run now and then.
        sinceYield = 0
        await new Promise<void>((resolve) => setImmediate(resolve))
        const now = performance.now()
        await flushAged(now)
        report(now, pace ? now - (started + dueAtMs(record.call, traffic.rate)) : 0)
      }
    }
    records++
    events += record.events
    if (record.scenario) scenarioEvents += record.events
    if (files) await files.write(record)
    if (!http) continue
    const key = batchKey(record)
    const buffer = buffers.get(key) ?? { records: [], since: performance.now() }
    buffer.records.push(record)
    buffers.set(key, buffer)
    if (buffer.records.length >= maxBatchRecords(record.format, batchSize)) await flush(key)
  }
  if (!http?.fatal) for (const key of [...buffers.keys()]) await flush(key)
  // The achieved rate is that of sending; waiting for the last answers (and retries) comes after.
  const sendingMs = performance.now() - started
  await http?.drain()
  const written = await files?.close()
  if (http?.fatal) throw http.fatal

  const elapsedMs = performance.now() - started
  return {
    seed: traffic.seed,
    start: traffic.start,
    end: traffic.end,
    serviceAccounts: traffic.serviceAccounts,
    catalogue: traffic.catalogue,
    scenarios: traffic.scenarios,
    incidents: traffic.incidents,
    targetRate: traffic.rate,
    calls,
    records,
    events,
    scenarioEvents,
    elapsedMs: Math.round(elapsedMs),
    callsPerSecond: Math.round(perSecond(calls, sendingMs) * 10) / 10,
    eventsPerSecond: Math.round(perSecond(events, sendingMs) * 10) / 10,
    maxLagMs: Math.round(Math.max(0, maxLagMs)),
    stopped: options.signal?.aborted ?? false,
    ...(http ? { http: http.stats() } : {}),
    ...(written ? { files: written } : {}),
  }
}
