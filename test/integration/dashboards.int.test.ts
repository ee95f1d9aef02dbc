import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { packageRoot } from '../../services/platform/paths.js'
import { exportedMetricNames, metricsInExpr } from '../deploy/metric-names.js'
import { openTestStore, type TestStore } from '../helpers/store.js'

/**
 * Every Grafana panel's SQL runs against our schema on the embedded engine, with the ClickHouse
 * plugin's macros expanded the way the plugin expands them; Prometheus panels read real metrics.
 */

interface Target {
  datasource: { type: string; uid: string }
  rawSql?: string
  expr?: string
  format?: number
  queryType?: string
}
interface Panel {
  id: number
  type: string
  title: string
  datasource: { type: string; uid: string }
  targets: Target[]
}
interface Dashboard {
  uid: string
  title: string
  panels: Panel[]
  templating: { list: Array<{ name: string; query: string; datasource: { type: string } }> }
}

const dir = path.join(packageRoot(), 'dashboards')
const dashboards = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, dashboard: JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Dashboard }))

const FROM = Math.floor(Date.parse('2026-11-24T00:00:00Z') / 1000)
const TO = Math.floor(Date.parse('2026-11-25T00:00:00Z') / 1000)

/** The grafana-clickhouse-datasource macros (README, "Macros"), plus our template variables. */
export function expandMacros(sql: string, database: string, variables: Record<string, string>): string {
  let out = sql
    .replace(
      /\$__timeFilter_ms\(([^)]+)\)/g,
      `$1 >= fromUnixTimestamp64Milli(${FROM}000) AND $1 <= fromUnixTimestamp64Milli(${TO}000)`,
    )
    .replace(/\$__timeFilter\(([^)]+)\)/g, `$1 >= toDateTime(${FROM}) AND $1 <= toDateTime(${TO})`)
    .replace(/\$__dateFilter\(([^)]+)\)/g, `$1 >= toDate(${FROM}) AND $1 <= toDate(${TO})`)
    .replace(
      /\$__timeInterval_ms\(([^)]+)\)/g,
      'toStartOfInterval(toDateTime64($1, 3), INTERVAL 60000 millisecond)',
    )
    .replace(/\$__timeInterval\(([^)]+)\)/g, 'toStartOfInterval(toDateTime($1), INTERVAL 60 second)')
    .replace(/\$__fromTime_ms\b/g, `fromUnixTimestamp64Milli(${FROM}000)`)
    .replace(/\$__toTime_ms\b/g, `fromUnixTimestamp64Milli(${TO}000)`)
    .replace(/\$__fromTime\b/g, `toDateTime(${FROM})`)
    .replace(/\$__toTime\b/g, `toDateTime(${TO})`)
    .replace(/\$__interval_s\b/g, '60')
  for (const [name, value] of Object.entries(variables)) {
    out = out.replaceAll(`\${${name}}`, value).replace(new RegExp(`\\$${name}\\b`, 'g'), value)
  }
  return out.replace(/\bmcp_audit\./g, `${database}.`)
}

describe('Grafana dashboards', () => {
  let store: TestStore
  const logger = createLogger({ level: 'silent' })
  const variables = { tenant: 'acme', server: 'filesystem' }

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    const at = (minutes: number) =>
      new Date(Date.parse('2026-11-24T10:00:00Z') + minutes * 60_000).toISOString()
    await store.client.insert({
      table: `${store.database}.audit_events`,
      values: Array.from({ length: 20 }, (_, i) => ({
        tenant_id: 'acme',
        event_id: `e${i}`,
        occurred_at: at(i),
        received_at: at(i),
        gateway: 'gw-1',
        gateway_format: 'generic',
        method: 'tools/call',
        server_name: i % 2 ? 'filesystem' : 'github',
        tool: i % 3 ? 'read_file' : 'search',
        user_id: `u${i % 4}`,
        user_id_kind: 'pseudonym',
        status: i % 5 === 0 ? 'denied' : 'success',
        error_class: i % 5 === 0 ? 'denied' : '',
        duration_ms: 10 + i,
        source_ip: '10.0.0.1',
        redaction_findings: { EMAIL: 1 },
        retention_until: '2099-01-01',
      })),
      format: 'JSONEachRow',
    })
  })
  afterAll(async () => {
    await store?.dispose()
  })

  it('ships the overview, security, server drill-down and pipeline dashboards for the ClickHouse plugin', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual([
      'mcp-audit-overview',
      'mcp-audit-pipeline',
      'mcp-audit-security',
      'mcp-audit-server',
    ])
    for (const { name, dashboard } of dashboards) {
      const ids = dashboard.panels.map((panel) => panel.id)
      expect(new Set(ids).size, name).toBe(ids.length)
      for (const panel of dashboard.panels) {
        expect(panel.targets.length, `${name}: ${panel.title}`).toBeGreaterThan(0)
        for (const target of panel.targets) {
          expect(['grafana-clickhouse-datasource', 'prometheus']).toContain(target.datasource.type)
          if (target.datasource.type === 'grafana-clickhouse-datasource') {
            expect(target.datasource.uid).toBe('clickhouse')
            expect(target.rawSql, panel.title).toBeTruthy()
          } else {
            expect(target.datasource.uid).toBe('prometheus')
            expect(target.expr, panel.title).toBeTruthy()
          }
        }
      }
    }
  })

  const sqlCases = dashboards.flatMap(({ name, dashboard }) => [
    ...dashboard.templating.list.map((variable) => ({
      label: `${name} variable ${variable.name}`,
      sql: variable.query,
    })),
    ...dashboard.panels.flatMap((panel) =>
      panel.targets
        .filter((t) => t.rawSql)
        .map((t) => ({ label: `${name}: ${panel.title}`, sql: t.rawSql! })),
    ),
  ])

  it.each(sqlCases)('$label runs on our schema', async ({ sql }) => {
    const expanded = expandMacros(sql, store.database, variables)
    expect(expanded).not.toMatch(/\$\{?\w/)
    const result = await store.client.query({ query: expanded, format: 'JSONEachRow' })
    const rows = await result.json<Record<string, unknown>>()
    expect(Array.isArray(rows)).toBe(true)
  })

  it('time-series panels return a time column first', async () => {
    for (const { dashboard } of dashboards) {
      for (const panel of dashboard.panels.filter((p) => p.type === 'timeseries')) {
        for (const target of panel.targets.filter((t) => t.rawSql)) {
          expect(target.queryType, panel.title).toBe('timeseries')
          const result = await store.client.query({
            query: expandMacros(target.rawSql!, store.database, variables),
            format: 'JSONCompactEachRowWithNames',
          })
          const [names] = await result.json<string[]>()
          expect(names?.[0], panel.title).toBe('time')
        }
      }
    }
  })

  it('the overview counts what is stored', async () => {
    const overview = dashboards.find((d) => d.dashboard.uid === 'mcp-audit-overview')!.dashboard
    const calls = overview.panels.find((p) => p.title === 'MCP calls')!.targets[0]!.rawSql!
    const result = await store.client.query({
      query: expandMacros(calls, store.database, variables),
      format: 'JSONEachRow',
    })
    expect(await result.json()).toEqual([{ calls: 20 }])
  })

  it('Prometheus panels read metrics our services export', () => {
    const exported = exportedMetricNames()
    for (const { dashboard } of dashboards) {
      for (const panel of dashboard.panels) {
        for (const target of panel.targets.filter((t) => t.expr)) {
          for (const metric of metricsInExpr(target.expr!)) expect(exported, panel.title).toContain(metric)
        }
      }
    }
  })
})
