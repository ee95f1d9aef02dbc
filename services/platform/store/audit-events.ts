import type { AuditRow } from '../../../schemas/audit-row.js'
import type { Store } from '../clickhouse.js'
import { defineTable, tableName } from './table.js'

/**
 * `audit_events` (schemas/clickhouse/0001_audit_events.sql): one row per event, written only by the
 * normalizer's writer (and the rule tester's sandbox), with a deduplication token per batch. The
 * writer stores the first version of an event id only (services/normalizer/first-write-wins.ts),
 * so FINAL and plain reads see the same events; reads that count events still use FINAL.
 */
export const AUDIT_EVENTS = 'audit_events'

/**
 * `audit_event_ids` (schemas/clickhouse/0007_first_write_wins.sql): the stored ids sorted by
 * tenant and id, filled by a materialized view on every insert into `audit_events`; read-only.
 */
export const AUDIT_EVENT_IDS = 'audit_event_ids'

export const auditEventsTable = defineTable<AuditRow>(AUDIT_EVENTS)

/** A version of an event id already in the store. */
export type StoredVersion = Pick<
  AuditRow,
  'tenant_id' | 'event_id' | 'content_hash' | 'source_partition' | 'source_offset'
>

/**
 * The stored versions of the given ids of the given tenants, in one query (the check of a whole
 * batch). A tenant's rows that happen to share an id with another tenant's are filtered by the caller.
 */
export async function findStoredVersions(
  store: Pick<Store, 'client' | 'database'>,
  tenants: readonly string[],
  eventIds: readonly string[],
): Promise<StoredVersion[]> {
  if (tenants.length === 0 || eventIds.length === 0) return []
  const result = await store.client.query({
    query: `SELECT DISTINCT tenant_id, event_id, content_hash, source_partition, source_offset
      FROM ${tableName(store.database, AUDIT_EVENT_IDS)}
      WHERE tenant_id IN {tenants:Array(String)} AND event_id IN {ids:Array(String)}`,
    query_params: { tenants, ids: eventIds },
    format: 'JSONEachRow',
  })
  const rows = await result.json<Omit<StoredVersion, 'source_offset'> & { source_offset: string | number }>()
  return rows.map((row) => ({ ...row, source_offset: Number(row.source_offset) }))
}
