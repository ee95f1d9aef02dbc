import type { Store } from '../platform/clickhouse.js'
import { ALERTS } from '../platform/store/alerts.js'
import { tableName } from '../platform/store/table.js'
import type { AlertCount, Incident, ReportData } from './data.js'
import { isoFromCh, num, periodEvents, queryRows, type ReportParams } from './query.js'

/** Security figures: alerts by severity, rule and status, top incidents, redaction, authentication. */

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info']
/** Auth methods that mean nobody was authenticated. */
const UNAUTHENTICATED = new Set(['none', 'anonymous', 'unauthenticated'])

function alertsInPeriod(database: string): string {
  return `${tableName(database, ALERTS)} FINAL
    WHERE tenant_id = {tenant:String}
      AND first_seen < {to:DateTime64(3, 'UTC')} AND last_seen >= {from:DateTime64(3, 'UTC')}`
}

function grouped(
  rows: Array<{
    severity: string
    rule_id: string
    rule_title: string
    status: string
    alerts: string
    events: string
  }>,
  key: (row: (typeof rows)[number]) => [string, string],
): AlertCount[] {
  const totals = new Map<string, AlertCount>()
  for (const row of rows) {
    const [id, label] = key(row)
    const entry = totals.get(id) ?? { key: id, label, alerts: 0, events: 0 }
    entry.alerts += num(row.alerts)
    entry.events += num(row.events)
    totals.set(id, entry)
  }
  return [...totals.values()]
}

export async function querySecurity(store: Store, params: ReportParams): Promise<ReportData['security']> {
  const alertRows = await queryRows<{
    severity: string
    rule_id: string
    rule_title: string
    status: string
    alerts: string
    events: string
  }>(
    store,
    `SELECT severity, rule_id, any(rule_title) AS rule_title, status,
            count() AS alerts, sum(count) AS events
     FROM ${alertsInPeriod(store.database)}
     GROUP BY severity, rule_id, status`,
    params,
  )
  const bySeverity = grouped(alertRows, (row) => [row.severity, row.severity]).sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.key) - SEVERITY_ORDER.indexOf(b.key),
  )
  const byRule = grouped(alertRows, (row) => [row.rule_id, row.rule_title])
    .sort((a, b) => b.alerts - a.alerts || a.key.localeCompare(b.key))
    .slice(0, 15)
  const byStatus = grouped(alertRows, (row) => [row.status, row.status]).sort((a, b) =>
    a.key.localeCompare(b.key),
  )

  const incidentRows = await queryRows<{
    alert_id: string
    severity: string
    rule_id: string
    rule_title: string
    status: string
    count: string
    first_seen: string
    last_seen: string
    summary: string
  }>(
    store,
    `SELECT alert_id, severity, rule_id, rule_title, status, count, first_seen, last_seen, summary
     FROM ${alertsInPeriod(store.database)}
     ORDER BY severity DESC, count DESC, alert_id ASC LIMIT 10`,
    params,
  )
  const incidents: Incident[] = incidentRows.map((row) => ({
    alertId: row.alert_id,
    severity: row.severity,
    rule: row.rule_id,
    title: row.rule_title,
    status: row.status,
    count: num(row.count),
    firstSeen: isoFromCh(row.first_seen) ?? '',
    lastSeen: isoFromCh(row.last_seen) ?? '',
    summary: row.summary,
  }))

  const redaction = await queryRows<{ type: string; findings: string; events: string }>(
    store,
    `SELECT finding AS type, sum(found) AS findings, count() AS events
     FROM (SELECT redaction_findings FROM ${periodEvents(store.database)})
     ARRAY JOIN mapKeys(redaction_findings) AS finding, mapValues(redaction_findings) AS found
     GROUP BY type ORDER BY findings DESC, type ASC`,
    params,
  )

  const authRows = await queryRows<{ method: string; calls: string }>(
    store,
    `SELECT if(auth_method = '', 'none', toString(auth_method)) AS method, count() AS calls
     FROM ${periodEvents(store.database)} GROUP BY method ORDER BY calls DESC, method ASC`,
    params,
  )
  const totalCalls = authRows.reduce((sum, row) => sum + num(row.calls), 0)
  const auth = authRows.map((row) => ({
    method: row.method,
    calls: num(row.calls),
    share: totalCalls === 0 ? 0 : num(row.calls) / totalCalls,
  }))
  return {
    alertsBySeverity: bySeverity,
    alertsByRule: byRule,
    alertsByStatus: byStatus,
    incidents,
    redaction: redaction.map((row) => ({
      type: row.type,
      findings: num(row.findings),
      events: num(row.events),
    })),
    auth,
    unauthenticatedCalls: auth
      .filter((row) => UNAUTHENTICATED.has(row.method))
      .reduce((sum, row) => sum + row.calls, 0),
  }
}
