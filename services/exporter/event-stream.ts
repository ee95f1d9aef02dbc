import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import { readCheckpoint, writeCheckpoint } from '../platform/store/export-checkpoints.js'
import type { ExportMetrics } from './metrics.js'
import { advance, changed, lagOf, wentBack, windowsFor, type Positions } from './position.js'
import { readWindows } from './read.js'
import { toExportEvent } from './record.js'
import type { RecordStream } from './stream.js'

/**
 * A sink's stream of stored events: the rows past its checkpoint, below the normalizer's committed
 * offsets (see position.ts). A batch goes when it is full or its first row has waited
 * `batchMaxWaitMs`; the checkpoint is saved after the send.
 *
 * At least once: a crash between a send and its checkpoint write sends that batch again on
 * restart (at most one batch per sink per crash); receivers drop repeats by event id.
 */

/** Offsets of other tenants' rows passed without a send are saved at most this often. */
const SKIP_SAVE_INTERVAL_MS = 5_000

export interface EventStreamOptions {
  sinkName: string
  startFrom: 'latest' | 'earliest'
  /** `undefined`: every tenant. */
  tenants: string[] | undefined
  store: Pick<Store, 'client' | 'database'>
  /** The normalizer's committed offsets per partition of the raw topic: the stored stream's end. */
  committed: () => Promise<Positions>
  batchMaxRows: number
  batchMaxWaitMs: number
  logger: Logger
  metrics: ExportMetrics
  now: () => number
}

export function createEventStream(options: EventStreamOptions): RecordStream {
  const { store, metrics, batchMaxRows, logger, now, sinkName } = options
  const labels = { sink: sinkName }
  let positions: Positions | undefined
  let saved: Positions = new Map()
  let savedAtMs = 0
  let waitingSinceMs: number | undefined
  let lag: number | undefined
  let behindCommitted: string | undefined

  const save = async (next: Positions) => {
    const delta = changed(saved, next)
    if (delta.size > 0) await writeCheckpoint(store, sinkName, delta, new Date(now()))
    saved = next
    savedAtMs = now()
  }

  /** The saved checkpoint, or a first one saved at once, so a restart never starts over at `latest`. */
  const load = async (committed: Positions): Promise<Positions> => {
    const stored = await readCheckpoint(store, sinkName)
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

  const checkCommitted = (current: Positions, committed: Positions) => {
    const back = wentBack(current, committed)
    if (back.length > 0 && !behindCommitted) {
      logger.error(
        {
          partitions: back,
          positions: Object.fromEntries(current),
          committed: Object.fromEntries(committed),
        },
        'export_committed_offsets_went_back',
      )
    }
    behindCommitted =
      back.length === 0
        ? undefined
        : `the normalizer's committed offsets of partition(s) ${back.join(', ')} went back below this sink's position (offsets reset or expired, or the raw topic recreated): events stored at the lower offsets are not exported; send them with export replay`
  }

  return {
    kind: 'event',
    async pass(deliver, paused) {
      const committed = await options.committed()
      positions ??= await load(committed)
      lag = lagOf(positions, committed)
      metrics.lag.set(labels, lag)
      checkCommitted(positions, committed)
      if (paused()) return 'idle'
      const windows = windowsFor(positions, committed, batchMaxRows)
      if (windows.length === 0) {
        waitingSinceMs = undefined
        return 'idle'
      }
      const rows = await readWindows(store, windows, options.tenants, batchMaxRows)
      const next = advance(positions, windows, rows, batchMaxRows)
      if (rows.length > 0 && rows.length < batchMaxRows) {
        // A batch that is not full waits for more rows until its first one has waited long enough.
        waitingSinceMs ??= now()
        if (now() - waitingSinceMs < options.batchMaxWaitMs) return 'idle'
      }
      if (rows.length > 0 && !(await deliver('event', rows.map(toExportEvent)))) return 'failed'
      waitingSinceMs = undefined
      positions = next
      lag = lagOf(next, committed)
      metrics.lag.set(labels, lag)
      // Passing other tenants' offsets sends nothing: saving that at once would be a write per poll.
      if (rows.length > 0 || now() - savedAtMs >= SKIP_SAVE_INTERVAL_MS) await save(next)
      if (rows.length >= batchMaxRows) return 'more'
      return rows.length > 0 ? 'sent' : 'idle'
    },
    async flush() {
      if (positions) await save(positions)
    },
    lag: () => lag,
    blocked: () => behindCommitted,
  }
}
