import type { AuditRow } from '../../schemas/audit-row.js'
import type { Store } from '../platform/clickhouse.js'
import { auditEventsTable } from '../platform/store/audit-events.js'
import { clickhouseTime } from '../platform/store/time.js'
import type { Window } from './position.js'

/**
 * Reads of stored, redacted rows for export: by position (the continuous export) and by time
 * (`export replay`). Values travel as query parameters; the tenant scope is part of every read.
 */

/** A stored row as the exporter reads it: times as epoch milliseconds, the offset as a number. */
export type StoredEvent = Omit<
  AuditRow,
  'occurred_at' | 'received_at' | 'ingested_at' | 'retention_until' | 'schema_version'
> & { occurred_ms: number; received_ms: number; ingested_ms: number }

type Client = Store['client']

const COLUMNS = `tenant_id, event_id,
  toString(toUnixTimestamp64Milli(occurred_at)) AS occurred_ms,
  toString(toUnixTimestamp64Milli(received_at)) AS received_ms,
  toString(toUnixTimestamp64Milli(ingested_at)) AS ingested_ms,
  gateway, gateway_format, method, server_name, server_version, server_transport, tool, resource_uri,
  prompt, session_id, request_id, trace_id, client_name, client_version, user_id, user_id_kind,
  user_roles, auth_method, source_ip, user_agent, arguments, arguments_bytes, arguments_truncated,
  result, result_bytes, result_truncated, status, error_class, error_code, error_message, duration_ms,
  decision, data_region, tls, attributes, redaction_findings, origin, content_hash, source_partition,
  toString(source_offset) AS offset_text`

/** `undefined` tenants: every tenant. */
export const TENANT_SCOPE = `({all_tenants:Bool} OR tenant_id IN {tenants:Array(String)})`

export function tenantParams(tenants: readonly string[] | undefined) {
  return { all_tenants: tenants === undefined, tenants: tenants ?? [] }
}

/** UInt64 and DateTime64 arrive as text; an alias must not shadow a column the WHERE reads. */
type Fetched = Omit<StoredEvent, 'occurred_ms' | 'received_ms' | 'ingested_ms' | 'source_offset'> & {
  occurred_ms: string
  received_ms: string
  ingested_ms: string
  offset_text: string
}

async function fetchRows(
  client: Client,
  query: string,
  params: Record<string, unknown>,
): Promise<StoredEvent[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' })
  const rows = await result.json<Fetched>()
  return rows.map(({ offset_text, ...row }) => ({
    ...row,
    occurred_ms: Number(row.occurred_ms),
    received_ms: Number(row.received_ms),
    ingested_ms: Number(row.ingested_ms),
    source_offset: Number(offset_text),
  }))
}

/**
 * The rows of these windows for these tenants, ordered by partition and offset, one per offset (a
 * copy stored twice by racing normalizers is sent once), `limit` at most. The bounds over all
 * windows let the offset's minmax index (0008) skip the granules outside them.
 */
export async function readWindows(
  store: Pick<Store, 'client' | 'database'>,
  windows: readonly Window[],
  tenants: readonly string[] | undefined,
  limit: number,
): Promise<StoredEvent[]> {
  if (windows.length === 0) return []
  return fetchRows(
    store.client,
    `SELECT ${COLUMNS}
      FROM ${auditEventsTable(store).name}
      WHERE source_offset >= {min_from:UInt64} AND source_offset < {max_to:UInt64}
        AND has({partitions:Array(UInt16)}, source_partition)
        AND source_offset >= arrayElement({froms:Array(UInt64)}, indexOf({partitions:Array(UInt16)}, source_partition))
        AND source_offset < arrayElement({tos:Array(UInt64)}, indexOf({partitions:Array(UInt16)}, source_partition))
        AND ${TENANT_SCOPE}
      ORDER BY source_partition, source_offset
      LIMIT 1 BY source_partition, source_offset
      LIMIT {limit:UInt32}`,
    {
      min_from: Math.min(...windows.map((window) => window.from)),
      max_to: Math.max(...windows.map((window) => window.to)),
      partitions: windows.map((window) => window.partition),
      froms: windows.map((window) => window.from),
      tos: windows.map((window) => window.to),
      ...tenantParams(tenants),
      limit,
    },
  )
}

/** Where a replay page ends: the next page starts after this event. */
export interface ReplayCursor {
  occurredMs: number
  eventId: string
}

/**
 * One page of the rows that occurred in `[fromMs, toMs)` for these tenants, after `cursor`, in
 * (occurred_at, event_id) order, one per event id.
 */
export async function readOccurred(
  store: Pick<Store, 'client' | 'database'>,
  range: { fromMs: number; toMs: number; cursor?: ReplayCursor },
  tenants: readonly string[] | undefined,
  limit: number,
): Promise<StoredEvent[]> {
  return fetchRows(
    store.client,
    `SELECT ${COLUMNS}
      FROM ${auditEventsTable(store).name}
      WHERE occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
        AND (occurred_at, event_id) > ({after_at:DateTime64(3, 'UTC')}, {after_id:String})
        AND ${TENANT_SCOPE}
      ORDER BY occurred_at, event_id
      LIMIT 1 BY event_id
      LIMIT {limit:UInt32}`,
    {
      from: clickhouseTime(range.fromMs),
      to: clickhouseTime(range.toMs),
      after_at: clickhouseTime(range.cursor?.occurredMs ?? range.fromMs - 1),
      after_id: range.cursor?.eventId ?? '',
      ...tenantParams(tenants),
      limit,
    },
  )
}
