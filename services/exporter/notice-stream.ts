import type { ExportRecord, RecordKind } from '../../schemas/export-record.js'
import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import {
  readRecordCheckpoint,
  writeRecordCheckpoint,
  type RecordPosition,
} from '../platform/store/export-record-checkpoints.js'
import type { RecordStream } from './stream.js'

/**
 * A sink's stream of alerts or of ready reports: the rows after its position in (time, id) order,
 * up to a fence `settleMs` behind now, then the position moves to the last row sent and is saved.
 *
 * Why a fence: these rows are stamped by their writer just before the insert (an alert's
 * created_at, a report's ready_at), so a row can become visible slightly after a later-stamped one
 * from another process. Reading only rows older than `settleMs` leaves that time for inserts in
 * flight and for clock differences between hosts. A row that becomes visible later than that is
 * behind the position and is not exported (it still reaches the console and the webhooks): that
 * takes a store stalled for the whole time between the writer's stamp and its insert.
 *
 * At least once, like events: a crash between a send and its checkpoint write repeats one batch;
 * receivers drop repeats by (kind, id).
 */

/** Time left to writes in flight: far above an insert's duration, still a few seconds to the SIEM. */
export const NOTICE_SETTLE_MS = 10_000

/**
 * After a read that found nothing, the next waits this long: alerts and reports are rare, and a
 * sink working through an event backlog passes many times a second.
 */
const IDLE_READ_INTERVAL_MS = 1_000

export interface NoticeRow {
  position: RecordPosition
  record: ExportRecord
}

export interface NoticeStreamOptions {
  kind: Exclude<RecordKind, 'event'>
  sinkName: string
  startFrom: 'latest' | 'earliest'
  tenants: string[] | undefined
  store: Pick<Store, 'client' | 'database'>
  /** The rows after `after`, at or before `fenceMs`, `limit` at most, in (time, id) order. */
  read: (after: RecordPosition, fenceMs: number, limit: number) => Promise<NoticeRow[]>
  batchMaxRows: number
  settleMs?: number
  logger: Logger
  now: () => number
}

export function createNoticeStream(options: NoticeStreamOptions): RecordStream {
  const { kind, store, sinkName, now, logger } = options
  const settleMs = options.settleMs ?? NOTICE_SETTLE_MS
  let position: RecordPosition | undefined
  let idleSinceMs: number | undefined

  /** The saved position, or a first one saved at once (`latest`: the fence now; `earliest`: the start). */
  const load = async (): Promise<RecordPosition> => {
    const stored = await readRecordCheckpoint(store, sinkName, kind)
    if (stored) return stored
    const first = { atMs: options.startFrom === 'latest' ? now() - settleMs : 0, id: '' }
    await writeRecordCheckpoint(store, sinkName, kind, first, new Date(now()))
    logger.info(
      { kind, start_from: options.startFrom, position_at: new Date(first.atMs).toISOString() },
      'export_checkpoint_created',
    )
    return first
  }

  return {
    kind,
    async pass(deliver, paused) {
      position ??= await load()
      if (paused()) return 'idle'
      if (idleSinceMs !== undefined && now() - idleSinceMs < IDLE_READ_INTERVAL_MS) return 'idle'
      const rows = await options.read(position, now() - settleMs, options.batchMaxRows)
      if (rows.length === 0) {
        idleSinceMs = now()
        return 'idle'
      }
      idleSinceMs = undefined
      const records = rows.map((row) => row.record)
      if (!(await deliver(kind, records))) return 'failed'
      position = rows[rows.length - 1]!.position
      await writeRecordCheckpoint(store, sinkName, kind, position, new Date(now()))
      return rows.length >= options.batchMaxRows ? 'more' : 'sent'
    },
    // Every send saves its position at once: nothing is left to save.
    flush: () => Promise.resolve(),
    lag: () => undefined,
    blocked: () => undefined,
  }
}
