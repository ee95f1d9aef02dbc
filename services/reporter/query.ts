import type { Store } from '../platform/clickhouse.js'
import { AUDIT_EVENTS } from '../platform/store/audit-events.js'
import { tableName } from '../platform/store/table.js'

/** The parameters every report query runs with; recorded in the manifest. */
export interface ReportParams {
  tenant: string
  from: string
  to: string
  tz: string
  [name: string]: string
}

/** `2026-11-01 00:00:00.000` (UTC, as ClickHouse prints it) → ISO 8601. */
export function isoFromCh(text: string | null | undefined): string | null {
  if (!text || text.startsWith('1970-01-01')) return null
  return `${text.replace(' ', 'T')}${text.includes('.') ? '' : '.000'}Z`
}

export async function queryRows<T>(
  store: Store,
  query: string,
  params: Record<string, string | number | readonly string[]>,
): Promise<T[]> {
  const result = await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return result.json<T>()
}

export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value))

/**
 * The events of the period, deduplicated: audit_events is a ReplacingMergeTree, and FINAL
 * collapses a redelivered event to one row, so every count below is exact.
 */
export function periodEvents(database: string, range: 'period' | 'previous' = 'period'): string {
  const [from, to] = range === 'period' ? ['from', 'to'] : ['prev_from', 'prev_to']
  return `${tableName(database, AUDIT_EVENTS)} FINAL
    WHERE tenant_id = {tenant:String}
      AND occurred_at >= {${from}:DateTime64(3, 'UTC')} AND occurred_at < {${to}:DateTime64(3, 'UTC')}`
}
