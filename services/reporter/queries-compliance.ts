import type { Store } from '../platform/clickhouse.js'
import { AUDIT_EVENTS } from '../platform/store/audit-events.js'
import { INGEST_RECEIPTS } from '../platform/store/ingest-receipts.js'
import { REPORTS } from '../platform/store/reports.js'
import { tableName } from '../platform/store/table.js'
import { clickhouseTime } from '../platform/store/time.js'
import type {
  CompletenessFacts,
  FieldCoverage,
  GatewayHour,
  RetentionFacts,
  ReviewEntry,
  SilentSpan,
} from './data.js'
import { isoFromCh, num, periodEvents, queryRows, type ReportParams } from './query.js'

/** Facts behind the compliance checks: retention, completeness, record content, review evidence. */

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

export async function queryRetention(
  store: Store,
  params: ReportParams,
  policy: { requiredDays: number; maxDays: number },
): Promise<RetentionFacts> {
  const [row] = await queryRows<{
    oldest: string
    newest: string
    stored: string
    min_keep: string | null
    max_keep: string | null
    below: string
    beyond: string
  }>(
    store,
    `SELECT toString(min(occurred_at)) AS oldest, toString(max(occurred_at)) AS newest, count() AS stored,
            min(dateDiff('day', toDate(occurred_at), retention_until)) AS min_keep,
            max(dateDiff('day', toDate(occurred_at), retention_until)) AS max_keep,
            countIf(dateDiff('day', toDate(occurred_at), retention_until) < {required_days:Int32}) AS below,
            countIf(dateDiff('day', toDate(occurred_at), retention_until) > {max_days:Int32} + 1
                    OR dateDiff('day', occurred_at, {to:DateTime64(3, 'UTC')}) > {max_days:Int32} + 1) AS beyond
     FROM ${tableName(store.database, AUDIT_EVENTS)} FINAL WHERE tenant_id = {tenant:String}`,
    { ...params, required_days: policy.requiredDays, max_days: policy.maxDays },
  )
  const [table] = await queryRows<{ engine_full: string }>(
    store,
    `SELECT engine_full FROM system.tables WHERE database = {database:String} AND name = {table:String}`,
    { database: store.database, table: AUDIT_EVENTS },
  )
  const ttl = /\bTTL\s+(.+?)(?:\s+SETTINGS\b|$)/.exec(table?.engine_full ?? '')
  const stored = num(row?.stored)
  return {
    oldestEvent: stored === 0 ? null : isoFromCh(row?.oldest),
    newestEvent: stored === 0 ? null : isoFromCh(row?.newest),
    storedEvents: stored,
    minKeepDays: stored === 0 ? null : num(row?.min_keep),
    maxKeepDays: stored === 0 ? null : num(row?.max_keep),
    eventsBelowRequired: num(row?.below),
    eventsBeyondMaximum: num(row?.beyond),
    ttlClause: ttl?.[1] ?? '',
  }
}

function hourLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 13).replace('T', ' ')}:00`
}

/**
 * Collector receipts (what was acknowledged) against stored events per gateway and UTC hour, the
 * hours each gateway sent nothing, and the lag from receipt to storage. Gateways active in the day
 * before the period count too: one that went quiet for the whole period is the worst gap of all.
 */
export async function queryCompleteness(
  store: Store,
  params: ReportParams,
  period: { from: Date; to: Date },
): Promise<Omit<CompletenessFacts, 'lagP50Ms' | 'lagP95Ms' | 'lagMaxMs' | 'futureEvents'>> {
  // Self-audit events (origin `self`) are not gateway traffic, and the collector writes no receipt for them.
  const completenessParams = {
    ...params,
    before: clickhouseTime(new Date(period.from.getTime() - DAY_MS)),
  }
  const receipts = await queryRows<{ gateway: string; hour: string; accepted: string }>(
    store,
    `SELECT gateway, formatDateTime(toStartOfHour(minute), '%Y-%m-%d %H:00') AS hour, sum(accepted) AS accepted
     FROM ${tableName(store.database, INGEST_RECEIPTS)} FINAL
     WHERE tenant_id = {tenant:String}
       AND minute >= {from:DateTime64(3, 'UTC')} AND minute < {to:DateTime64(3, 'UTC')}
     GROUP BY gateway, hour`,
    completenessParams,
  )
  const stored = await queryRows<{ gateway: string; hour: string; stored: string }>(
    store,
    `SELECT gateway, formatDateTime(toStartOfHour(occurred_at), '%Y-%m-%d %H:00') AS hour, count() AS stored
     FROM ${periodEvents(store.database)} AND origin = 'gateway'
     GROUP BY gateway, hour`,
    completenessParams,
  )
  const earlier = await queryRows<{ gateway: string }>(
    store,
    `SELECT DISTINCT gateway FROM ${tableName(store.database, AUDIT_EVENTS)}
     WHERE tenant_id = {tenant:String} AND origin = 'gateway'
       AND occurred_at >= {before:DateTime64(3, 'UTC')} AND occurred_at < {from:DateTime64(3, 'UTC')}`,
    completenessParams,
  )
  const cells = new Map<string, GatewayHour>()
  const cell = (gateway: string, hour: string) => {
    const key = `${gateway}\u0000${hour}`
    let entry = cells.get(key)
    if (!entry) {
      entry = { gateway, hour, accepted: 0, stored: 0 }
      cells.set(key, entry)
    }
    return entry
  }
  for (const row of receipts) cell(row.gateway, row.hour).accepted += num(row.accepted)
  for (const row of stored) cell(row.gateway, row.hour).stored += num(row.stored)
  const gateways = [
    ...new Set([...cells.values()].map((c) => c.gateway).concat(earlier.map((r) => r.gateway))),
  ].sort()

  const firstHour = Math.floor(period.from.getTime() / HOUR_MS) * HOUR_MS
  const hours: string[] = []
  for (let t = firstHour; t < period.to.getTime(); t += HOUR_MS) hours.push(hourLabel(t))

  const silent: SilentSpan[] = []
  for (const gateway of gateways) {
    let start: number | undefined
    hours.forEach((hour, index) => {
      const entry = cells.get(`${gateway}\u0000${hour}`)
      const quiet = !entry || (entry.accepted === 0 && entry.stored === 0)
      if (quiet && start === undefined) start = index
      const closes = start !== undefined && (!quiet || index === hours.length - 1)
      if (closes) {
        const end = quiet ? index + 1 : index
        silent.push({
          gateway,
          from: hours[start!]!,
          to: hourLabel(firstHour + end * HOUR_MS),
          hours: end - start!,
        })
        start = undefined
      }
    })
  }
  const withReceipts = [...cells.values()].filter((c) => c.accepted > 0)
  return {
    gateways,
    hoursChecked: hours.length,
    receiptsAccepted: withReceipts.reduce((sum, c) => sum + c.accepted, 0),
    storedWithReceipts: withReceipts.reduce((sum, c) => sum + c.stored, 0),
    shortfalls: withReceipts
      .filter((c) => c.stored < c.accepted)
      .sort((a, b) => a.hour.localeCompare(b.hour) || a.gateway.localeCompare(b.gateway)),
    silent,
  }
}

/** Field coverage (PCI DSS 10.2.2, NIST AU-3), ingestion lag and clock skew, in one pass. */
export async function queryRecordContent(
  store: Store,
  params: ReportParams,
): Promise<{
  recordContent: { events: number; complete: number; share: number; fields: FieldCoverage[] }
  lag: Pick<CompletenessFacts, 'lagP50Ms' | 'lagP95Ms' | 'lagMaxMs' | 'futureEvents'>
}> {
  const user = `user_id != ''`
  const type = `method != ''`
  const time = `occurred_at > toDateTime64('2000-01-01 00:00:00', 3, 'UTC')`
  const outcome = `toUInt8(status) > 0`
  const origin = `(source_ip != '' OR client_name != '')`
  const resource = `(server_name != '' AND (method != 'tools/call' OR tool != ''))`
  const [row] = await queryRows<Record<string, string | number[] | null>>(
    store,
    `SELECT count() AS events,
            countIf(${user}) AS user, countIf(${type}) AS type, countIf(${time}) AS time,
            countIf(${outcome}) AS outcome, countIf(${origin}) AS origin, countIf(${resource}) AS resource,
            countIf(${[user, type, time, outcome, origin, resource].join(' AND ')}) AS complete,
            quantilesExact(0.5, 0.95)(dateDiff('millisecond', received_at, ingested_at)) AS lag,
            max(dateDiff('millisecond', received_at, ingested_at)) AS lag_max,
            countIf(occurred_at > received_at + INTERVAL 1 MINUTE) AS future
     FROM ${periodEvents(store.database)}`,
    params,
  )
  const events = num(row?.events)
  const share = (value: unknown) => (events === 0 ? 0 : num(value) / events)
  const fields = (['user', 'type', 'time', 'outcome', 'origin', 'resource'] as const).map((field) => ({
    field,
    present: num(row?.[field]),
    share: share(row?.[field]),
  }))
  const lag = (row?.lag as number[] | undefined) ?? []
  return {
    recordContent: { events, complete: num(row?.complete), share: share(row?.complete), fields },
    lag: {
      lagP50Ms: events === 0 ? null : Math.round(num(lag[0])),
      lagP95Ms: events === 0 ? null : Math.round(num(lag[1])),
      lagMaxMs: events === 0 ? null : num(row?.lag_max),
      futureEvents: num(row?.future),
    },
  }
}

/**
 * Report generations (the `reports` table) and downloads (self-audit events: `origin` `self`, which
 * no gateway can set) in the 90 days to the period end.
 */
export async function queryReview(
  store: Store,
  params: ReportParams,
  period: { to: Date },
  now: Date,
): Promise<ReviewEntry[]> {
  const reviewParams = {
    ...params,
    review_from: clickhouseTime(new Date(period.to.getTime() - 90 * DAY_MS)),
    now: clickhouseTime(now),
  }
  const rows = await queryRows<{ at: string; actor: string; action: string; resource: string }>(
    store,
    `SELECT toString(created_at) AS at, created_by AS actor, 'report.generate' AS action,
            concat('report:', report_id, ' ', name) AS resource
     FROM ${tableName(store.database, REPORTS)} FINAL
     WHERE tenant_id = {tenant:String} AND status = 'ready'
       AND created_at >= {review_from:DateTime64(3, 'UTC')} AND created_at < {now:DateTime64(3, 'UTC')}
     UNION ALL
     SELECT toString(occurred_at) AS at, user_id AS actor, toString(tool) AS action, resource_uri AS resource
     FROM ${tableName(store.database, AUDIT_EVENTS)} FINAL
     WHERE tenant_id = {tenant:String} AND origin = 'self' AND tool = 'report.download'
       AND occurred_at >= {review_from:DateTime64(3, 'UTC')} AND occurred_at < {now:DateTime64(3, 'UTC')}
     ORDER BY at DESC LIMIT 50`,
    reviewParams,
  )
  return rows.map((row) => ({
    at: isoFromCh(row.at) ?? row.at,
    actor: row.actor,
    action: row.action,
    resource: row.resource,
  }))
}
