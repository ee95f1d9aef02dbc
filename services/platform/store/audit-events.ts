import type { AuditRow } from '../../../schemas/audit-row.js'
import type { Store } from '../clickhouse.js'
import { compactEncoder, defineEncodedTable, tableName } from './table.js'

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

/**
 * The columns a row is written to, in the order `encodeAuditRow` writes its values: every field of
 * AuditRow (the compiler checks none is missing). `redaction_count` is MATERIALIZED by the engine.
 */
export const AUDIT_EVENT_COLUMNS = [
  'tenant_id',
  'event_id',
  'schema_version',
  'occurred_at',
  'received_at',
  'ingested_at',
  'gateway',
  'gateway_format',
  'method',
  'server_name',
  'server_version',
  'server_transport',
  'tool',
  'resource_uri',
  'prompt',
  'session_id',
  'request_id',
  'trace_id',
  'client_name',
  'client_version',
  'user_id',
  'user_id_kind',
  'user_roles',
  'auth_method',
  'source_ip',
  'user_agent',
  'arguments',
  'arguments_bytes',
  'arguments_truncated',
  'result',
  'result_bytes',
  'result_truncated',
  'status',
  'error_class',
  'error_code',
  'error_message',
  'duration_ms',
  'decision',
  'data_region',
  'tls',
  'attributes',
  'redaction_findings',
  'retention_until',
  'source_partition',
  'source_offset',
  'origin',
  'content_hash',
] as const satisfies ReadonlyArray<keyof AuditRow>

/** Compiles only while AUDIT_EVENT_COLUMNS names every field of AuditRow. */
const everyFieldWritten: Exclude<keyof AuditRow, (typeof AUDIT_EVENT_COLUMNS)[number]> extends never
  ? true
  : never = true

/** One row as the line `auditEventsTable(store).insertEncoded` takes (e.g. made on a worker thread). */
export const encodeAuditRow = compactEncoder<AuditRow>(everyFieldWritten && AUDIT_EVENT_COLUMNS)

export const auditEventsTable = defineEncodedTable<AuditRow>(AUDIT_EVENTS, AUDIT_EVENT_COLUMNS)

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
