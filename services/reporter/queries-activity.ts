import type { Store } from '../platform/clickhouse.js'
import type { ActivitySummary, LatencyRow, RankedRow, TopLists, VolumeBucket } from './data.js'
import { isoFromCh, num, periodEvents, queryRows, type ReportParams } from './query.js'

/** Activity figures: the summary, top lists, latency per server and volume over time. */

const TOP_N = 10

interface SummaryRow {
  calls: string
  users: string
  clients: string
  servers: string
  failures: string
  tool_errors: string
  protocol_errors: string
  denials: string
  timeouts: string
  max_ingested: string
}

export async function querySummary(
  store: Store,
  params: ReportParams,
  range: 'period' | 'previous',
): Promise<{ summary: ActivitySummary; maxIngestedAt: string | null }> {
  const [row] = await queryRows<SummaryRow>(
    store,
    `SELECT count() AS calls,
            uniqExactIf(user_id, user_id != '') AS users,
            uniqExactIf(client_name, client_name != '') AS clients,
            uniqExact(server_name) AS servers,
            countIf(status != 'success') AS failures,
            countIf(status = 'error' AND error_class = 'tool_error') AS tool_errors,
            countIf(status = 'error' AND error_class != 'tool_error') AS protocol_errors,
            countIf(status = 'denied') AS denials,
            countIf(status = 'timeout') AS timeouts,
            toString(max(ingested_at)) AS max_ingested
     FROM ${periodEvents(store.database, range)}`,
    params,
  )
  const calls = num(row?.calls)
  const failures = num(row?.failures)
  return {
    summary: {
      calls,
      users: num(row?.users),
      clients: num(row?.clients),
      servers: calls === 0 ? 0 : num(row?.servers),
      failures,
      toolErrors: num(row?.tool_errors),
      protocolErrors: num(row?.protocol_errors),
      denials: num(row?.denials),
      timeouts: num(row?.timeouts),
      errorRate: calls === 0 ? 0 : failures / calls,
    },
    maxIngestedAt: calls === 0 ? null : isoFromCh(row?.max_ingested),
  }
}

const DIMENSIONS = {
  tools: 'tool',
  servers: 'server_name',
  clients: 'client_name',
  users: 'user_id',
} as const

/** Top N by calls and top N by failures in one pass, ties broken by name so reruns agree. */
export async function queryTop(
  store: Store,
  params: ReportParams,
  dimension: keyof typeof DIMENSIONS,
): Promise<TopLists> {
  const column = DIMENSIONS[dimension]
  const rows = await queryRows<{
    name: string
    calls: string
    failures: string
    rank_calls: string
    rank_failures: string
  }>(
    store,
    `SELECT name, calls, failures, rank_calls, rank_failures FROM (
       SELECT name, calls, failures,
              row_number() OVER (ORDER BY calls DESC, name ASC) AS rank_calls,
              row_number() OVER (ORDER BY failures DESC, name ASC) AS rank_failures
       FROM (
         SELECT if(${column} = '', '(none)', toString(${column})) AS name, count() AS calls,
                countIf(status != 'success') AS failures
         FROM ${periodEvents(store.database)}
         GROUP BY name))
     WHERE rank_calls <= {top:UInt32} OR (rank_failures <= {top:UInt32} AND failures > 0)`,
    { ...params, top: TOP_N },
  )
  const ranked = rows.map((row) => ({
    row: { name: row.name, calls: num(row.calls), failures: num(row.failures) } satisfies RankedRow,
    byCalls: num(row.rank_calls),
    byFailures: num(row.rank_failures),
  }))
  return {
    byVolume: ranked
      .filter((r) => r.byCalls <= TOP_N)
      .sort((a, b) => a.byCalls - b.byCalls)
      .map((r) => r.row),
    byFailures: ranked
      .filter((r) => r.byFailures <= TOP_N && r.row.failures > 0)
      .sort((a, b) => a.byFailures - b.byFailures)
      .map((r) => r.row),
  }
}

export async function queryLatency(store: Store, params: ReportParams): Promise<LatencyRow[]> {
  const rows = await queryRows<{ server: string; calls: string; q: number[] }>(
    store,
    `SELECT server_name AS server, count() AS calls, quantilesExact(0.5, 0.95, 0.99)(duration_ms) AS q
     FROM ${periodEvents(store.database)} AND duration_ms IS NOT NULL
     GROUP BY server ORDER BY calls DESC, server ASC LIMIT 25`,
    params,
  )
  const round = (value: number | undefined) => Math.round(num(value) * 10) / 10
  return rows.map((row) => ({
    server: row.server,
    calls: num(row.calls),
    p50: round(row.q[0]),
    p95: round(row.q[1]),
    p99: round(row.q[2]),
  }))
}

/**
 * Calls per hour (periods up to two days) or per day, in the tenant's time zone, with empty
 * buckets filled in so the chart shows silence as zero rather than skipping it.
 */
export async function queryVolume(
  store: Store,
  params: ReportParams,
  period: { from: Date; to: Date },
): Promise<{ granularity: 'hour' | 'day'; buckets: VolumeBucket[] }> {
  const granularity = period.to.getTime() - period.from.getTime() <= 2 * 86_400_000 ? 'hour' : 'day'
  const bucket =
    granularity === 'hour'
      ? `formatDateTime(toStartOfHour(occurred_at), '%Y-%m-%d %H:00', {tz:String})`
      : `formatDateTime(occurred_at, '%Y-%m-%d', {tz:String})`
  const rows = await queryRows<{ label: string; calls: string; failures: string }>(
    store,
    `SELECT ${bucket} AS label, count() AS calls, countIf(status != 'success') AS failures
     FROM ${periodEvents(store.database)} GROUP BY label ORDER BY label`,
    params,
  )
  const found = new Map(rows.map((row) => [row.label, row]))
  const labels = bucketLabels(period, granularity, params.tz)
  const buckets = labels.map((label) => {
    const row = found.get(label)
    return { label, calls: num(row?.calls), failures: num(row?.failures) }
  })
  return { granularity, buckets }
}

function bucketLabels(
  period: { from: Date; to: Date },
  granularity: 'hour' | 'day',
  timeZone: string,
): string[] {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(granularity === 'hour' ? { hour: '2-digit', hourCycle: 'h23' as const } : {}),
  })
  const labels: string[] = []
  // Hour steps also for days: a local day is 23 to 25 hours long.
  const step = 3_600_000
  for (let t = period.from.getTime(); t < period.to.getTime(); t += step) {
    const text = format.format(new Date(t))
    const label = granularity === 'hour' ? `${text.slice(0, 13)}:00` : text.slice(0, 10)
    if (labels[labels.length - 1] !== label) labels.push(label)
  }
  return labels
}
