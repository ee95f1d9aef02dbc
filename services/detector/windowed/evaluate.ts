import type { Store } from '../../platform/clickhouse.js'
import { compileWindowedRule } from './compile.js'
import type { Window, WindowedRule } from './windows.js'

/** One group a windowed rule fired for in one window (a row of the compiled query). */
export interface WindowCandidate {
  tenant_id: string
  /** The values of the rule's group-by fields (for new_term also the term fields). */
  group: Record<string, string>
  count: number
  /** The aggregate that crossed the threshold; null for new_term, sequence and absence. */
  value: number | null
  /** ISO 8601, UTC. */
  first_seen: string
  last_seen: string
  /** Up to 10, in time order (absence: the last events before the silence, newest first). */
  sample_event_ids: string[]
}

interface RawCandidate {
  tenant_id: string
  group: Record<string, string>
  count: string | number
  value: number | null
  first_seen: string
  last_seen: string
  sample_event_ids: string[]
}

/** Runs the rule's query for one window; all tenants unless `tenantId` is given. */
export async function evaluateWindow(
  store: Pick<Store, 'client' | 'database'>,
  rule: WindowedRule,
  window: Window,
  tenantId?: string,
): Promise<WindowCandidate[]> {
  const { sql, params } = compileWindowedRule(rule, {
    database: store.database,
    from: window.from,
    to: window.to,
    ...(tenantId === undefined ? {} : { tenantId }),
  })
  const result = await store.client.query({
    query: sql,
    query_params: params,
    format: 'JSONEachRow',
    // Times come back as ISO 8601 in UTC whatever the server's default output format.
    clickhouse_settings: { date_time_output_format: 'iso' },
  })
  const rows = await result.json<RawCandidate>()
  return rows.map((row) => ({
    tenant_id: row.tenant_id,
    group: row.group,
    count: Number(row.count),
    value: row.value === null ? null : Number(row.value),
    first_seen: new Date(row.first_seen).toISOString(),
    last_seen: new Date(row.last_seen).toISOString(),
    sample_event_ids: row.sample_event_ids,
  }))
}
