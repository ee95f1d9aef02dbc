import type { z } from 'zod'
import type { Store } from '../platform/clickhouse.js'
import { ALERTS } from '../platform/store/alerts.js'
import { AUDIT_EVENTS } from '../platform/store/audit-events.js'
import { tableName } from '../platform/store/table.js'
import { clickhouseTime } from '../platform/store/time.js'
import {
  bucketSeconds,
  decodeCursor,
  encodeCursor,
  isoTime,
  type AlertsQuery,
  type EventsQuery,
  type SummaryQuery,
} from './params.js'

/** The read API's SQL. Every query is parameterized and filtered by the caller's tenant first. */

type Params = Record<string, unknown>

async function select<T>(store: Store, query: string, params: Params): Promise<T[]> {
  const result = await store.client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
  })
  return result.json<T>()
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

export class BadRequestError extends Error {
  readonly status = 400
}

export async function summary(store: Store, tenantId: string, range: z.infer<typeof SummaryQuery>) {
  const events = tableName(store.database, AUDIT_EVENTS)
  const alerts = tableName(store.database, ALERTS)
  const bucket = bucketSeconds(range.from, range.to)
  const params = {
    tenant: tenantId,
    from: clickhouseTime(range.from),
    to: clickhouseTime(range.to),
    bucket,
  }
  // Self-audit rows (the console's own API calls) are stored, but are not MCP traffic.
  const scope = `tenant_id = {tenant:String} AND occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)} AND origin = 'gateway'`
  const [totals, series, tools, servers, alertSeries, openAlerts] = await Promise.all([
    select<Record<string, unknown>>(
      store,
      `SELECT count() AS calls, countIf(status != 'success') AS errors, countIf(status = 'denied') AS denied,
              quantile(0.95)(duration_ms) AS p95_ms, uniqExactIf(user_id, user_id != '') AS users,
              uniqExact(server_name) AS servers,
              sum(redaction_count) AS redactions
       FROM ${events} WHERE ${scope}`,
      params,
    ),
    select<Record<string, unknown>>(
      store,
      `SELECT toUnixTimestamp(toStartOfInterval(occurred_at, INTERVAL {bucket:UInt32} SECOND)) AS t,
              count() AS calls, countIf(status != 'success') AS errors, quantile(0.95)(duration_ms) AS p95_ms
       FROM ${events} WHERE ${scope} GROUP BY t ORDER BY t`,
      params,
    ),
    select<Record<string, unknown>>(
      store,
      `SELECT server_name AS server, tool, count() AS calls, countIf(status != 'success') AS errors,
              quantile(0.95)(duration_ms) AS p95_ms
       FROM ${events} WHERE ${scope} AND tool != '' GROUP BY server, tool ORDER BY calls DESC LIMIT 10`,
      params,
    ),
    select<Record<string, unknown>>(
      store,
      `SELECT server_name AS server, count() AS calls, countIf(status != 'success') AS errors,
              quantile(0.95)(duration_ms) AS p95_ms
       FROM ${events} WHERE ${scope} GROUP BY server ORDER BY calls DESC LIMIT 10`,
      params,
    ),
    select<Record<string, unknown>>(
      store,
      `SELECT toUnixTimestamp(toStartOfInterval(first_seen, INTERVAL {bucket:UInt32} SECOND)) AS t,
              toString(severity) AS severity, count() AS alerts
       FROM ${alerts} FINAL
       WHERE tenant_id = {tenant:String} AND first_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)}
       GROUP BY t, severity ORDER BY t`,
      params,
    ),
    select<Record<string, unknown>>(
      store,
      `SELECT toString(severity) AS severity, count() AS alerts FROM ${alerts} FINAL
       WHERE tenant_id = {tenant:String} AND status != 'resolved' GROUP BY severity`,
      params,
    ),
  ])
  const total = totals[0] ?? {}
  const calls = num(total.calls) ?? 0
  const errors = num(total.errors) ?? 0
  const breakdown = (row: Record<string, unknown>) => ({
    calls: num(row.calls) ?? 0,
    errors: num(row.errors) ?? 0,
    error_rate: (num(row.calls) ?? 0) > 0 ? (num(row.errors) ?? 0) / (num(row.calls) ?? 1) : 0,
    p95_ms: num(row.p95_ms),
  })
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucket_seconds: bucket,
    totals: {
      calls,
      errors,
      denied: num(total.denied) ?? 0,
      error_rate: calls > 0 ? errors / calls : 0,
      p95_ms: num(total.p95_ms),
      users: num(total.users) ?? 0,
      servers: num(total.servers) ?? 0,
      redactions: num(total.redactions) ?? 0,
    },
    series: series.map((row) => ({ t: num(row.t) ?? 0, ...breakdown(row) })),
    top_tools: tools.map((row) => ({
      server: String(row.server),
      tool: String(row.tool),
      ...breakdown(row),
    })),
    top_servers: servers.map((row) => ({ server: String(row.server), ...breakdown(row) })),
    alerts_series: alertSeries.map((row) => ({
      t: num(row.t) ?? 0,
      severity: String(row.severity),
      alerts: num(row.alerts) ?? 0,
    })),
    open_alerts: Object.fromEntries(openAlerts.map((row) => [String(row.severity), num(row.alerts) ?? 0])),
  }
}

// Enums come out of JSONEachRow as their names.
const EVENT_LIST_COLUMNS = `event_id, occurred_at, server_name, tool, method, status, duration_ms,
  user_id, user_id_kind, client_name, gateway, decision, error_class, redaction_count`

export async function listEvents(store: Store, tenantId: string, query: z.infer<typeof EventsQuery>) {
  const params: Params = {
    tenant: tenantId,
    from: clickhouseTime(query.from),
    to: clickhouseTime(query.to),
    limit: query.limit + 1,
  }
  const where = [
    'tenant_id = {tenant:String}',
    'occurred_at >= {from:DateTime64(3)}',
    'occurred_at < {to:DateTime64(3)}',
  ]
  const exact = { server: 'server_name', tool: 'tool', user: 'user_id' } as const
  for (const [key, column] of Object.entries(exact) as Array<[keyof typeof exact, string]>) {
    if (query[key] !== undefined) {
      where.push(`${column} = {${key}:String}`)
      params[key] = query[key]
    }
  }
  if (query.status) {
    where.push('toString(status) IN {status:Array(String)}')
    params.status = query.status
  }
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor)
    if (!cursor) throw new BadRequestError('cursor: not a cursor this API issued; start again without it')
    where.push('(occurred_at, event_id) < ({cursor_at:DateTime64(3)}, {cursor_id:String})')
    params.cursor_at = cursor.occurredAt
    params.cursor_id = cursor.eventId
  }
  const rows = await select<Record<string, unknown>>(
    store,
    `SELECT ${EVENT_LIST_COLUMNS} FROM ${tableName(store.database, AUDIT_EVENTS)}
     WHERE ${where.join(' AND ')}
     ORDER BY occurred_at DESC, event_id DESC LIMIT 1 BY event_id LIMIT {limit:UInt32}`,
    params,
  )
  const page = rows.slice(0, query.limit)
  const last = page[page.length - 1]
  return {
    events: page.map((row) => ({
      ...row,
      occurred_at: isoTime(String(row.occurred_at)),
      duration_ms: num(row.duration_ms),
      redaction_count: num(row.redaction_count) ?? 0,
    })),
    next_cursor:
      rows.length > query.limit && last
        ? encodeCursor({ occurredAt: String(last.occurred_at), eventId: String(last.event_id) })
        : null,
  }
}

/** One stored event as the normalizer wrote it: already redacted and pseudonymized. */
export async function getEvent(store: Store, tenantId: string, eventId: string) {
  const [row] = await select<Record<string, unknown>>(
    store,
    `SELECT * EXCEPT (source_partition, source_offset), redaction_count
     FROM ${tableName(store.database, AUDIT_EVENTS)}
     WHERE tenant_id = {tenant:String} AND event_id = {id:String}
     ORDER BY ingested_at DESC LIMIT 1`,
    { tenant: tenantId, id: eventId },
  )
  if (!row) return undefined
  for (const key of ['occurred_at', 'received_at', 'ingested_at']) row[key] = isoTime(String(row[key]))
  return row
}

export async function listAlerts(store: Store, tenantId: string, query: z.infer<typeof AlertsQuery>) {
  const params: Params = {
    tenant: tenantId,
    from: clickhouseTime(query.from),
    to: clickhouseTime(query.to),
    limit: query.limit,
  }
  const where = [
    'tenant_id = {tenant:String}',
    'last_seen >= {from:DateTime64(3)}',
    'first_seen < {to:DateTime64(3)}',
  ]
  if (query.severity) {
    where.push('toString(severity) IN {severity:Array(String)}')
    params.severity = query.severity
  }
  if (query.status) {
    where.push('toString(status) IN {status:Array(String)}')
    params.status = query.status
  }
  const rows = await select<Record<string, unknown>>(
    store,
    `SELECT * FROM ${tableName(store.database, ALERTS)} FINAL WHERE ${where.join(' AND ')}
     ORDER BY severity DESC, last_seen DESC, alert_id LIMIT {limit:UInt32}`,
    params,
  )
  return { alerts: rows.map(presentAlert) }
}

export function presentAlert(row: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...row, count: num(row.count) ?? 0, value: num(row.value) }
  for (const key of ['first_seen', 'last_seen', 'created_at', 'updated_at'])
    out[key] = isoTime(String(row[key]))
  return out
}
