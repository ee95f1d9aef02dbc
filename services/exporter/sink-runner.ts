import type { ExportRecord, RecordKind } from '../../schemas/export-record.js'
import { healthy, unhealthy, type Health } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import { retryDelayMs, type BackoffOptions } from '../webhooks/backoff.js'
import { createPollLoop } from '../webhooks/poll-loop.js'
import type { ExportMetrics } from './metrics.js'
import { sendFailure, type Sink } from './sinks/index.js'
import type { RecordStream } from './stream.js'

/**
 * One sink's loop: each pass runs the sink's streams (events, alerts, reports: stream.ts) in
 * turn; a stream reads past its own checkpoint and sends through this runner, which records
 * failures and backs off. Each sink has its own loop and backoff, so a failing sink waits alone
 * while the others go on; while it waits, none of its kinds is sent.
 */

/** Retries of a failed send: 1 s, 2 s, 4 s … up to a minute, with full jitter. */
export const EXPORT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, factor: 2 }

/** Throughput (`recordsPerSecond`) is measured over this much recent time. */
const RATE_WINDOW_MS = 60_000

export interface SinkRunnerOptions {
  sink: Sink
  /** The sink's streams, in the order each pass runs them. */
  streams: RecordStream[]
  pollMs: number
  unhealthyAfterMs: number
  backoff?: BackoffOptions
  logger: Logger
  metrics: ExportMetrics
  now?: () => number
}

export interface SinkStatus {
  name: string
  type: string
  /** The kinds of record the sink receives (`records:`). */
  records: RecordKind[]
  /** Committed event messages not yet passed (undefined before the first pass). */
  lag: number | undefined
  paused: boolean
  failingSinceMs: number | undefined
  lastError: string | undefined
  lastSuccessMs: number | undefined
  /** Records taken by the sink since this process started, per kind. */
  sentTotal: Record<RecordKind, number>
  /** Records taken per second over the last minute. */
  recordsPerSecond: number
}

export interface SinkRunner {
  start(): void
  /** One pass now (tests and `stop`); passes never overlap. */
  runPass(): Promise<void>
  stop(): Promise<void>
  status(): SinkStatus
  health(): Health
}

export function createSinkRunner(options: SinkRunnerOptions): SinkRunner {
  const { sink, metrics, streams } = options
  const now = options.now ?? Date.now
  const backoff = options.backoff ?? EXPORT_BACKOFF
  const logger = options.logger.child({ component: 'exporter', sink: sink.name })
  const labels = { sink: sink.name }

  let failures = 0
  let retryAtMs = 0
  let failingSinceMs: number | undefined
  /** Since when passes fail before any send (the store or Kafka unreachable). */
  let passFailingSinceMs: number | undefined
  let lastError: string | undefined
  let lastSuccessMs: number | undefined
  const sentTotal: Record<RecordKind, number> = { event: 0, alert: 0, report: 0 }
  const recent: Array<{ atMs: number; records: number }> = []

  const paused = () => now() < retryAtMs

  const failed = (err: unknown) => {
    const failure = sendFailure(err)
    failures += 1
    failingSinceMs ??= now()
    lastError = failure.message
    const delayMs = failure.retryable ? retryDelayMs(failures, backoff, failure.retryAfterMs) : backoff.maxMs
    retryAtMs = now() + delayMs
    metrics.failures.inc({ ...labels, retryable: String(failure.retryable) })
    metrics.paused.set(labels, 1)
    logger.warn(
      { error: failure.message, retryable: failure.retryable, attempt: failures, retry_in_ms: delayMs },
      'export_send_failed',
    )
  }

  const deliver = async (kind: RecordKind, records: readonly ExportRecord[]): Promise<boolean> => {
    const startedMs = now()
    try {
      await sink.send(records)
    } catch (err) {
      failed(err)
      return false
    }
    metrics.sendSeconds.observe(labels, (now() - startedMs) / 1000)
    metrics.records.inc({ ...labels, kind }, records.length)
    metrics.paused.set(labels, 0)
    sentTotal[kind] += records.length
    lastSuccessMs = now()
    recent.push({ atMs: lastSuccessMs, records: records.length })
    metrics.lastSuccess.set(labels, lastSuccessMs / 1000)
    if (failures > 0) logger.info({ attempts: failures + 1 }, 'export_sink_recovered')
    failures = 0
    failingSinceMs = undefined
    lastError = undefined
    return true
  }

  const pass = async () => {
    let more = false
    for (const stream of streams) {
      const outcome = await stream.pass(deliver, paused)
      if (outcome === 'failed') return
      if (outcome === 'more') more = true
    }
    if (more) loop.wake()
  }

  const guardedPass = async () => {
    await pass()
    passFailingSinceMs = undefined
    if (failingSinceMs === undefined) lastError = undefined
  }

  const loop = createPollLoop(guardedPass, options.pollMs, (err) => {
    passFailingSinceMs ??= now()
    lastError = err instanceof Error ? err.message : String(err)
    logger.warn({ error: lastError }, 'export_pass_failed')
  })

  const troubleSinceMs = () =>
    failingSinceMs === undefined || passFailingSinceMs === undefined
      ? (failingSinceMs ?? passFailingSinceMs)
      : Math.min(failingSinceMs, passFailingSinceMs)

  const recordsPerSecond = () => {
    const since = now() - RATE_WINDOW_MS
    while (recent.length > 0 && recent[0]!.atMs < since) recent.shift()
    return recent.reduce((sum, entry) => sum + entry.records, 0) / (RATE_WINDOW_MS / 1000)
  }

  const status = (): SinkStatus => ({
    name: sink.name,
    type: sink.type,
    records: streams.map((stream) => stream.kind),
    lag: streams.find((stream) => stream.kind === 'event')?.lag(),
    paused: paused(),
    failingSinceMs: troubleSinceMs(),
    lastError,
    lastSuccessMs,
    sentTotal: { ...sentTotal },
    recordsPerSecond: recordsPerSecond(),
  })

  return {
    start: () => loop.start(),
    runPass: () => loop.runPass(),
    async stop() {
      await loop.stop()
      // What was passed without a send is saved, so a restart does not read it again.
      for (const stream of streams) {
        await stream.flush().catch((err: unknown) => logger.warn({ err }, 'export_checkpoint_save_failed'))
      }
      await sink.close()
    },
    status,
    health() {
      const blocked = streams.map((stream) => stream.blocked()).find((reason) => reason !== undefined)
      if (blocked) return unhealthy(`sink ${sink.name} (${sink.type}): ${blocked}`)
      const since = troubleSinceMs()
      if (since === undefined || now() - since < options.unhealthyAfterMs) return healthy
      const seconds = Math.round((now() - since) / 1000)
      const lag = status().lag
      return unhealthy(
        `sink ${sink.name} (${sink.type}) has failed for ${seconds} s, ${lag ?? 'unknown'} messages behind: ${lastError ?? 'unknown error'}`,
      )
    },
  }
}
