import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy, type Health } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import { readCheckpoint, writeCheckpoint } from '../platform/store/export-checkpoints.js'
import { retryDelayMs, type BackoffOptions } from '../webhooks/backoff.js'
import { createPollLoop } from '../webhooks/poll-loop.js'
import type { ExportMetrics } from './metrics.js'
import { advance, changed, lagOf, wentBack, windowsFor, type Positions } from './position.js'
import { readWindows, type StoredEvent } from './read.js'
import { toExportEvent } from './record.js'
import { createThroughput } from './throughput.js'
import { sendFailure, type Sink } from './sinks/index.js'

/**
 * One sink's loop: read the stored rows past its checkpoint (below the normalizer's committed
 * offsets, see position.ts), send them as a batch when the batch is full or its first row has
 * waited `batchMaxWaitMs`, then save the checkpoint. Each sink has its own loop, checkpoint and
 * backoff, so a failing sink waits alone while the others go on.
 *
 * At least once: a crash between a send and its checkpoint write sends that batch again on
 * restart (at most one batch per sink per crash); receivers drop repeats by event id.
 */

/** Retries of a failed send: 1 s, 2 s, 4 s … up to a minute, with full jitter. */
export const EXPORT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, factor: 2 }

/** Offsets of other tenants' rows passed without a send are saved at most this often. */
const SKIP_SAVE_INTERVAL_MS = 5_000

export interface SinkRunnerOptions {
  sink: Sink
  startFrom: 'latest' | 'earliest'
  /** `undefined`: every tenant. */
  tenants: string[] | undefined
  store: Pick<Store, 'client' | 'database'>
  /** The normalizer's committed offsets per partition of the raw topic: the stored stream's end. */
  committed: () => Promise<Positions>
  batchMaxRows: number
  batchMaxWaitMs: number
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
  /** Committed messages not yet passed (undefined before the first pass). */
  lag: number | undefined
  paused: boolean
  failingSinceMs: number | undefined
  lastError: string | undefined
  lastSuccessMs: number | undefined
  /** Records taken per second over the last minute. */
  throughputPerSecond: number
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
  const { sink, store, metrics, batchMaxRows } = options
  const now = options.now ?? Date.now
  const backoff = options.backoff ?? EXPORT_BACKOFF
  const logger = options.logger.child({ component: 'exporter', sink: sink.name })
  const labels = { sink: sink.name }

  let positions: Positions | undefined
  let saved: Positions = new Map()
  let savedAtMs = 0
  let waitingSinceMs: number | undefined
  let lag: number | undefined
  let failures = 0
  let retryAtMs = 0
  let failingSinceMs: number | undefined
  /** Since when passes fail before any send (the store or Kafka unreachable). */
  let passFailingSinceMs: number | undefined
  let lastError: string | undefined
  let lastSuccessMs: number | undefined
  let behindCommitted: string | undefined
  const throughput = createThroughput(now)

  const save = async (next: Positions) => {
    const delta = changed(saved, next)
    if (delta.size > 0) await writeCheckpoint(store, sink.name, delta, new Date(now()))
    saved = next
    savedAtMs = now()
  }

  /** The saved checkpoint, or a first one saved at once, so a restart never starts over at `latest`. */
  const load = async (committed: Positions): Promise<Positions> => {
    const stored = await readCheckpoint(store, sink.name)
    if (stored) {
      saved = stored
      return stored
    }
    const first = new Map(
      [...committed].map(([partition, fence]) => [partition, options.startFrom === 'latest' ? fence : 0]),
    )
    saved = new Map()
    await save(first)
    logger.info(
      { start_from: options.startFrom, positions: Object.fromEntries(first) },
      'export_checkpoint_created',
    )
    return first
  }

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

  const deliver = async (rows: readonly StoredEvent[]): Promise<boolean> => {
    const startedMs = now()
    try {
      await sink.send(rows.map(toExportEvent))
    } catch (err) {
      failed(err)
      return false
    }
    metrics.sendSeconds.observe(labels, (now() - startedMs) / 1000)
    metrics.records.inc(labels, rows.length)
    throughput.add(rows.length)
    metrics.paused.set(labels, 0)
    lastSuccessMs = now()
    metrics.lastSuccess.set(labels, lastSuccessMs / 1000)
    if (failures > 0) logger.info({ attempts: failures + 1 }, 'export_sink_recovered')
    failures = 0
    failingSinceMs = undefined
    lastError = undefined
    return true
  }

  const pass = async () => {
    const committed = await options.committed()
    positions ??= await load(committed)
    lag = lagOf(positions, committed)
    metrics.lag.set(labels, lag)
    const back = wentBack(positions, committed)
    if (back.length > 0 && !behindCommitted) {
      logger.error(
        {
          partitions: back,
          positions: Object.fromEntries(positions),
          committed: Object.fromEntries(committed),
        },
        'export_committed_offsets_went_back',
      )
    }
    behindCommitted =
      back.length === 0
        ? undefined
        : `the normalizer's committed offsets of partition(s) ${back.join(', ')} went back below this sink's position (offsets reset or expired, or the raw topic recreated): events stored at the lower offsets are not exported; send them with export replay`
    if (now() < retryAtMs) return
    const windows = windowsFor(positions, committed, batchMaxRows)
    if (windows.length === 0) {
      waitingSinceMs = undefined
      return
    }
    const rows = await readWindows(store, windows, options.tenants, batchMaxRows)
    const next = advance(positions, windows, rows, batchMaxRows)
    if (rows.length > 0 && rows.length < batchMaxRows) {
      // A batch that is not full waits for more rows until its first one has waited long enough.
      waitingSinceMs ??= now()
      if (now() - waitingSinceMs < options.batchMaxWaitMs) return
    }
    if (rows.length > 0 && !(await deliver(rows))) return
    waitingSinceMs = undefined
    positions = next
    lag = lagOf(next, committed)
    metrics.lag.set(labels, lag)
    // Passing other tenants' offsets sends nothing: saving that at once would be a write per poll.
    if (rows.length > 0 || now() - savedAtMs >= SKIP_SAVE_INTERVAL_MS) await save(next)
    if (rows.length >= batchMaxRows) loop.wake()
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

  const status = (): SinkStatus => ({
    name: sink.name,
    type: sink.type,
    lag,
    paused: now() < retryAtMs,
    failingSinceMs: troubleSinceMs(),
    lastError,
    lastSuccessMs,
    throughputPerSecond: throughput.perSecond(),
  })

  return {
    start: () => loop.start(),
    runPass: () => loop.runPass(),
    async stop() {
      await loop.stop()
      // What was passed without a send is saved, so a restart does not read it again.
      if (positions)
        await save(positions).catch((err: unknown) => logger.warn({ err }, 'export_checkpoint_save_failed'))
      await sink.close()
    },
    status,
    health() {
      if (behindCommitted) return unhealthy(`sink ${sink.name} (${sink.type}): ${behindCommitted}`)
      const since = troubleSinceMs()
      if (since === undefined || now() - since < options.unhealthyAfterMs) return healthy
      const seconds = Math.round((now() - since) / 1000)
      return unhealthy(
        `sink ${sink.name} (${sink.type}) has failed for ${seconds} s, ${lag ?? 'unknown'} messages behind: ${lastError ?? 'unknown error'}`,
      )
    },
  }
}
