import type { AuditRow, EventConflictRow } from '../../schemas/audit-row.js'
import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import { findStoredVersions, type StoredVersion } from '../platform/store/audit-events.js'
import { eventConflictsTable } from '../platform/store/event-conflicts.js'
import type { NormalizerMetrics } from './metrics.js'
import type { ScreenVerdict } from './writer-batch.js'

/** What the check of one batch decided, row by row, and the conflicts it found. */
export interface Screening {
  verdicts: ScreenVerdict[]
  conflicts: EventConflictRow[]
  /** Rows already stored from the same Kafka message (redelivered after a crash). */
  replayed: number
  /** Identical copies of a stored event sent again (a gateway's retry). */
  resent: number
}

const keyOf = (row: Pick<AuditRow, 'tenant_id' | 'event_id'>) => `${row.tenant_id}\u0000${row.event_id}`

/**
 * First write wins, for one batch against the versions already stored:
 * - an id not stored yet is inserted, its first occurrence in the batch only;
 * - a row stored from the same Kafka position is a redelivery of that very message (a crash
 *   before the offsets were committed): not inserted, but `replayed`, so the stream rules still
 *   see it once. Its hash is not compared: a configuration change between the two readings of
 *   one message (redaction rules, time zone) is not a second version;
 * - a row whose content equals a stored version (or the batch's first occurrence) is a re-sent
 *   copy and is skipped;
 * - otherwise it is a conflict: skipped, and recorded with both hashes.
 * Rows stored before content hashes existed have '' and count as the same content: their
 * content cannot be compared, and calling every re-send of an old event a forgery would bury a
 * real one.
 */
export function screenBatch(
  rows: readonly AuditRow[],
  stored: readonly StoredVersion[],
  now = new Date(),
): Screening {
  const storedByKey = new Map<string, StoredVersion[]>()
  for (const version of stored) {
    const key = keyOf(version)
    storedByKey.set(key, [...(storedByKey.get(key) ?? []), version])
  }
  const firstInBatch = new Map<string, AuditRow>()
  const screening: Screening = { verdicts: [], conflicts: [], replayed: 0, resent: 0 }
  const conflict = (row: AuditRow, storedHash: string) => {
    screening.conflicts.push({
      tenant_id: row.tenant_id,
      event_id: row.event_id,
      stored_hash: storedHash,
      received_hash: row.content_hash,
      gateway: row.gateway,
      gateway_format: row.gateway_format,
      source_partition: row.source_partition,
      source_offset: row.source_offset,
      detected_at: now.toISOString(),
    })
    return 'skip' as const
  }
  const verdictOf = (row: AuditRow): ScreenVerdict => {
    const key = keyOf(row)
    const versions = storedByKey.get(key)
    if (versions) {
      const samePosition = versions.some(
        (v) => v.source_partition === row.source_partition && v.source_offset === row.source_offset,
      )
      if (samePosition) {
        screening.replayed++
        return 'replayed'
      }
      if (versions.some((v) => v.content_hash === row.content_hash || v.content_hash === '')) {
        screening.resent++
        return 'skip'
      }
      return conflict(row, versions[0]!.content_hash)
    }
    const first = firstInBatch.get(key)
    if (first) {
      if (first.content_hash === row.content_hash) {
        screening.resent++
        return 'skip'
      }
      return conflict(row, first.content_hash)
    }
    firstInBatch.set(key, row)
    return 'insert'
  }
  for (const row of rows) screening.verdicts.push(verdictOf(row))
  return screening
}

export interface FirstWriteWinsOptions {
  store: Pick<Store, 'client' | 'database'>
  logger: Logger
  metrics: NormalizerMetrics
  /** Raises the conflicts (rule mcp-audit-event-conflict) once they are stored. */
  onConflicts?: (conflicts: readonly EventConflictRow[]) => Promise<void>
}

/**
 * The writer's screen for `audit_events`: one query per flush for the batch's ids already stored,
 * then `screenBatch`. Conflicts are stored in `event_conflicts` and raised before the verdicts are
 * returned; a failure anywhere is retried whole by the writer, and both the table and the alert
 * store collapse what a retry records again.
 */
export function createFirstWriteWins(
  options: FirstWriteWinsOptions,
): (rows: readonly AuditRow[]) => Promise<ScreenVerdict[]> {
  const { store, metrics } = options
  const logger = options.logger.child({ component: 'first-write-wins' })
  const conflicts = eventConflictsTable(store)
  return async (rows) => {
    const tenants = [...new Set(rows.map((row) => row.tenant_id))]
    const ids = [...new Set(rows.map((row) => row.event_id))]
    const screening = screenBatch(rows, await findStoredVersions(store, tenants, ids))
    if (screening.replayed > 0) metrics.repeatedEvents.inc({ kind: 'replayed' }, screening.replayed)
    if (screening.resent > 0) metrics.repeatedEvents.inc({ kind: 'resent' }, screening.resent)
    if (screening.conflicts.length > 0) {
      await conflicts.insert(screening.conflicts)
      metrics.eventConflicts.inc(screening.conflicts.length)
      for (const conflict of screening.conflicts) {
        logger.warn(
          {
            tenant_id: conflict.tenant_id,
            event_id: conflict.event_id,
            gateway: conflict.gateway,
            partition: conflict.source_partition,
            offset: conflict.source_offset,
          },
          'event_conflict_refused',
        )
      }
      await options.onConflicts?.(screening.conflicts)
    }
    return screening.verdicts
  }
}
