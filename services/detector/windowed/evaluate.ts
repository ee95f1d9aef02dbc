import type { Store } from '../../platform/clickhouse.js'
import { compileWindowedRule } from './compile.js'
import { compileWindowedRange } from './compile-range.js'
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

/** One bucket of a range and the candidates found in it. */
export interface WindowResult {
  window: Window
  rows: WindowCandidate[]
}

interface RawCandidate {
  /** Range queries only: the start of the candidate's bucket, epoch ms. */
  window_from?: string | number
  tenant_id: string
  group: Record<string, string>
  count: string | number
  value: number | null
  first_seen: string
  last_seen: string
  sample_event_ids: string[]
}

async function queryCandidates(
  store: Pick<Store, 'client'>,
  query: { sql: string; params: Record<string, unknown> },
): Promise<RawCandidate[]> {
  const result = await store.client.query({
    query: query.sql,
    query_params: query.params,
    format: 'JSONEachRow',
    // Times come back as ISO 8601 in UTC whatever the server's default output format; an ASOF
    // JOIN without a match gives the column's default (0), which the range queries rely on.
    clickhouse_settings: { date_time_output_format: 'iso', join_use_nulls: 0 },
  })
  return result.json<RawCandidate>()
}

function candidateOf(row: RawCandidate): WindowCandidate {
  return {
    tenant_id: row.tenant_id,
    group: row.group,
    count: Number(row.count),
    value: row.value === null ? null : Number(row.value),
    first_seen: new Date(row.first_seen).toISOString(),
    last_seen: new Date(row.last_seen).toISOString(),
    sample_event_ids: row.sample_event_ids,
  }
}

/** Runs the rule's query for one window; all tenants unless `tenantId` is given. */
export async function evaluateWindow(
  store: Pick<Store, 'client' | 'database'>,
  rule: WindowedRule,
  window: Window,
  tenantId?: string,
): Promise<WindowCandidate[]> {
  const query = compileWindowedRule(rule, {
    database: store.database,
    from: window.from,
    to: window.to,
    ...(tenantId === undefined ? {} : { tenantId }),
  })
  return (await queryCandidates(store, query)).map(candidateOf)
}

/**
 * Runs the rule's query for a run of consecutive buckets (pendingWindows) at once: per bucket the
 * candidates evaluateWindow finds in it, every bucket listed in order, with candidates or not.
 */
export async function evaluateWindows(
  store: Pick<Store, 'client' | 'database'>,
  rule: WindowedRule,
  windows: readonly Window[],
  tenantId?: string,
): Promise<WindowResult[]> {
  const query = compileWindowedRange(rule, {
    database: store.database,
    windows,
    ...(tenantId === undefined ? {} : { tenantId }),
  })
  const results = windows.map((window): WindowResult => ({ window, rows: [] }))
  const byStart = new Map(results.map((result) => [result.window.from.getTime(), result]))
  for (const row of await queryCandidates(store, query)) {
    const result = byStart.get(Number(row.window_from))
    if (!result) {
      throw new Error(
        `rule ${rule.id}: the range query returned bucket ${String(row.window_from)}, not one it was asked for`,
      )
    }
    result.rows.push(candidateOf(row))
  }
  return results
}
