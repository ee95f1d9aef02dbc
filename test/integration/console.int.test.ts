import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createAdminQuery, type AdminQuery } from '../../services/console/admin-query.js'
import { createReports, loadSigningKey } from '../../services/reporter/index.js'
import { createConsoleApp } from '../../services/console/app.js'
import { createAlertStore } from '../../services/detector/alerts.js'
import type { Rule } from '../../schemas/rules.js'
import { createLogger } from '../../services/platform/logger.js'
import { HealthRegistry } from '../../services/platform/health.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate } from '../../services/platform/migrations.js'
import type { SelfAudit, SelfAuditEntry } from '../../services/platform/self-audit.js'
import { openTestStore, queryRows, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: process.env.TEST_LOG === '1' ? 'error' : 'silent' })
const TOKENS = {
  acmeRead: 'acme-read-token-0123456789',
  acmeAdmin: 'acme-admin-token-0123456789',
  acmeIngest: 'acme-ingest-token-0123456789',
  globexAdmin: 'globex-admin-token-0123456789',
}
const config = AppConfig.parse({
  tenants: [
    {
      id: 'acme',
      tokens: [
        { name: 'analyst', scope: 'read', value: TOKENS.acmeRead },
        { name: 'acme-admin', scope: 'admin', value: TOKENS.acmeAdmin },
        { name: 'gw', scope: 'ingest', value: TOKENS.acmeIngest },
      ],
    },
    { id: 'globex', tokens: [{ name: 'globex-admin', scope: 'admin', value: TOKENS.globexAdmin }] },
  ],
})

const NOW = Date.now()
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString()

function event(tenant: string, id: string, minutesAgo: number, overrides: Record<string, unknown> = {}) {
  return {
    tenant_id: tenant,
    event_id: id,
    occurred_at: at(minutesAgo),
    received_at: at(minutesAgo),
    gateway: 'gw-1',
    gateway_format: 'generic',
    method: 'tools/call',
    server_name: 'filesystem',
    tool: 'read_file',
    user_id: 'u_alice',
    user_id_kind: 'pseudonym',
    status: 'success',
    duration_ms: 20,
    arguments: '{"path":"/data/[REDACTED:EMAIL]"}',
    redaction_findings: { EMAIL: 1 },
    retention_until: '2099-01-01',
    ...overrides,
  }
}

function alert(tenant: string, id: string, severity: string) {
  return {
    alert_id: id,
    tenant_id: tenant,
    rule_id: 'mcp-test-rule',
    rule_title: `Test rule ${tenant}`,
    rule_kind: 'match',
    severity,
    tags: [],
    group_key: '',
    group_values: {},
    count: 3,
    value: null,
    first_seen: at(30),
    last_seen: at(20),
    sample_event_ids: [`${tenant}-1`],
    summary: `three events for ${tenant}`,
    status: 'open',
    created_at: at(30),
    updated_at: at(30),
    updated_by: 'detector',
  }
}

const ACME_EVENTS = [
  ...Array.from({ length: 25 }, (_, i) => event('acme', `acme-${i}`, i + 1, { duration_ms: 10 + i })),
  event('acme', 'acme-err', 3, { status: 'error', error_class: 'tool_error', tool: 'write_file' }),
  event('acme', 'acme-gh', 4, { server_name: 'github', tool: 'create_issue', status: 'denied' }),
]
const GLOBEX_EVENTS = Array.from({ length: 7 }, (_, i) =>
  event('globex', `globex-${i}`, i + 1, {
    server_name: 'globex-secret',
    tool: 'globex_tool',
    user_id: 'u_globex',
  }),
)

describe('console read API against the embedded engine', () => {
  let store: TestStore
  let server: Server
  let base: string
  let adminQuery: AdminQuery
  const audited: SelfAuditEntry[] = []
  const selfAudit: SelfAudit = {
    record: (entry) => audited.push(entry),
    flush: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  }

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    await store.client.insert({
      table: `${store.database}.audit_events`,
      values: [...ACME_EVENTS, ...GLOBEX_EVENTS],
      format: 'JSONEachRow',
    })
    await store.client.insert({
      table: `${store.database}.alerts`,
      values: [
        alert('acme', 'alert-acme-1', 'high'),
        alert('acme', 'alert-acme-2', 'low'),
        alert('globex', 'alert-globex-1', 'critical'),
      ],
      format: 'JSONEachRow',
    })
    adminQuery = createAdminQuery({ store, config, limits: { maxRows: 50, maxExecutionSeconds: 2 } })
    const reporterConfig = { ...config, dataDir: store.dataDir }
    const reports = createReports({
      config: reporterConfig,
      store,
      logger,
      selfAudit,
      signingKey: loadSigningKey(reporterConfig, logger),
    })
    const app = createConsoleApp({
      config,
      store,
      logger,
      registry: createMetricsRegistry(),
      health: new HealthRegistry(),
      selfAudit,
      adminQuery,
      reports,
    })
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
    await adminQuery?.close()
    await store?.dispose()
  })

  async function call(path: string, token: string | undefined, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text, headers: res.headers }
  }
  const query = (sql: string, params?: Record<string, unknown>, token = TOKENS.acmeAdmin) =>
    call('/api/v1/query', token, { sql, ...(params ? { params } : {}) })

  it('needs a read or admin token and answers with a strict CSP', async () => {
    expect((await call('/api/v1/summary', undefined)).status).toBe(401)
    expect((await call('/api/v1/summary', 'not-a-token-at-all-xxxx')).status).toBe(401)
    expect((await call('/api/v1/summary', TOKENS.acmeIngest)).status).toBe(403)
    const me = await call('/api/v1/whoami', TOKENS.acmeRead)
    expect(me.body).toEqual({ tenant: 'acme', token: 'analyst', scope: 'read' })
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect((await fetch(`${base}/vendor/uplot/uPlot.esm.js`)).status).toBe(200)
  })

  it('summarizes only the caller tenant', async () => {
    const { body } = await call('/api/v1/summary', TOKENS.acmeRead)
    expect(body.totals.calls).toBe(ACME_EVENTS.length)
    expect(body.totals.errors).toBe(2)
    expect(body.totals.p95_ms).toBeGreaterThan(20)
    expect((body.top_servers as Array<{ server: string }>).map((s) => s.server).sort()).toEqual([
      'filesystem',
      'github',
    ])
    expect(body.top_tools[0]).toMatchObject({ server: 'filesystem', tool: 'read_file', calls: 25 })
    expect(body.open_alerts).toEqual({ high: 1, low: 1 })
    expect(JSON.stringify(body)).not.toContain('globex')
    const globex = await call('/api/v1/summary', TOKENS.globexAdmin)
    expect(globex.body.totals.calls).toBe(GLOBEX_EVENTS.length)
  })

  it('filters events and pages through all of them exactly once', async () => {
    const filtered = await call('/api/v1/events?server=github&status=denied', TOKENS.acmeRead)
    expect((filtered.body.events as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual(['acme-gh'])
    expect((await call('/api/v1/events?status=bogus', TOKENS.acmeRead)).status).toBe(400)
    expect((await call('/api/v1/events?cursor=garbage', TOKENS.acmeRead)).status).toBe(400)

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: { events: Array<{ event_id: string }>; next_cursor: string | null } } = await call(
        `/api/v1/events?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        TOKENS.acmeRead,
      )
      seen.push(...page.body.events.map((e) => e.event_id))
      cursor = page.body.next_cursor
    } while (cursor)
    expect(seen.length).toBe(ACME_EVENTS.length)
    expect(new Set(seen)).toEqual(new Set(ACME_EVENTS.map((e) => e.event_id)))

    const detail = await call('/api/v1/events/acme-err', TOKENS.acmeRead)
    expect(detail.body.event).toMatchObject({
      event_id: 'acme-err',
      status: 'error',
      error_class: 'tool_error',
    })
    expect(detail.body.event.arguments).toContain('[REDACTED:EMAIL]')
    expect((await call('/api/v1/events/globex-1', TOKENS.acmeRead)).status).toBe(404)
  })

  it('acknowledges and resolves alerts of its own tenant only', async () => {
    const list = await call('/api/v1/alerts?severity=high', TOKENS.acmeRead)
    expect((list.body.alerts as Array<{ alert_id: string }>).map((a) => a.alert_id)).toEqual(['alert-acme-1'])

    const ack = await call('/api/v1/alerts/alert-acme-1/acknowledge', TOKENS.acmeRead, {})
    expect(ack.body.alert).toMatchObject({ status: 'acknowledged', updated_by: 'analyst' })
    const open = await call('/api/v1/alerts?status=open', TOKENS.acmeRead)
    expect((open.body.alerts as Array<{ alert_id: string }>).map((a) => a.alert_id)).toEqual(['alert-acme-2'])
    expect((await call('/api/v1/alerts/alert-acme-1/resolve', TOKENS.acmeAdmin, {})).body.alert.status).toBe(
      'resolved',
    )
    expect((await call('/api/v1/alerts/alert-acme-1/acknowledge', TOKENS.acmeRead, {})).status).toBe(409)

    expect((await call('/api/v1/alerts/alert-globex-1/acknowledge', TOKENS.acmeAdmin, {})).status).toBe(404)
    const [globexAlert] = await queryRows<{ status: string }>(
      store,
      `SELECT status FROM ${store.database}.alerts FINAL WHERE alert_id = 'alert-globex-1'`,
    )
    expect(globexAlert?.status).toBe('open')
  })

  it('keeps an acknowledgement when the detector later adds events to the incident', async () => {
    const detector = createAlertStore({
      store,
      logger,
      consoleUrl: base,
      onNewAlert: () => Promise.resolve(),
    })
    const rule = {
      id: 'mcp-test-burst',
      title: 'Test burst',
      severity: 'medium',
      tags: [],
      match: {},
    } as unknown as Rule
    const candidate = (eventId: string) => ({
      rule,
      tenantId: 'acme',
      group: { user_id: 'u_alice' },
      count: 1,
      value: null,
      firstSeen: new Date(NOW - 60_000),
      lastSeen: new Date(NOW - 60_000),
      sampleEventIds: [eventId],
    })
    await detector.record([candidate('acme-1')])
    const [fired] = (await call('/api/v1/alerts?severity=medium', TOKENS.acmeRead)).body.alerts
    expect(fired).toMatchObject({ rule_id: 'mcp-test-burst', status: 'open' })
    await call(`/api/v1/alerts/${fired.alert_id}/acknowledge`, TOKENS.acmeRead, {})
    await detector.record([candidate('acme-2')])
    const [after] = (await call('/api/v1/alerts?severity=medium', TOKENS.acmeRead)).body.alerts
    expect(after).toMatchObject({ status: 'acknowledged', updated_by: 'analyst', count: 2 })
  })

  it('prints times the same way whatever an earlier query of the embedded session asked for', async () => {
    await store.client.query({
      query: 'SELECT now64(3) AS t',
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_output_format: 'iso' },
    })
    const [row] = await queryRows<{ t: string }>(
      store,
      `SELECT toDateTime64('2026-11-24 10:00:00.123', 3, 'UTC') AS t`,
    )
    expect(row?.t).toBe('2026-11-24 10:00:00.123')
  })

  it('runs admin SQL over the tenant rows only, read-only and limited', async () => {
    expect((await query('SELECT 1', undefined, TOKENS.acmeRead)).status).toBe(403)
    const count = await query('SELECT count() AS n, uniqExact(tenant_id) AS tenants FROM audit_events')
    // UInt64 comes as a string from a server and as a number from the embedded engine.
    const numbers = (rows: Array<Record<string, unknown>>) =>
      rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, /^\d+$/.test(String(v)) ? Number(v) : v])),
      )
    expect(numbers(count.body.rows as Array<Record<string, unknown>>)).toEqual([
      { n: ACME_EVENTS.length, tenants: 1 },
    ])
    const joined = await query(
      `WITH recent AS (SELECT event_id, tool FROM audit_events WHERE tool = {tool:String})
       SELECT r.tool, count() AS n, (SELECT count() FROM alerts) AS alerts
       FROM recent AS r GROUP BY r.tool`,
      { tool: 'write_file' },
    )
    const [acmeAlerts] = await queryRows<{ n: string }>(
      store,
      `SELECT count() AS n FROM ${store.database}.alerts FINAL WHERE tenant_id = 'acme'`,
    )
    expect(numbers(joined.body.rows as Array<Record<string, unknown>>)).toEqual([
      { tool: 'write_file', n: 1, alerts: Number(acmeAlerts?.n) },
    ])
    const truncated = await query('SELECT number FROM numbers(100)')
    expect(truncated.body).toMatchObject({ truncated: true })
    expect(truncated.body.rows).toHaveLength(50)
    const slow = await query('SELECT count() FROM numbers(1000000000000)')
    expect(slow.status).toBe(400)
    expect(slow.body.error).toMatch(/timeout|time|limit/i)
    const other = await query(`SELECT count() AS n FROM audit_events WHERE tenant_id = 'globex'`)
    expect(numbers(other.body.rows as Array<Record<string, unknown>>)).toEqual([{ n: 0 }])

    // The admin session is readonly; the store's own session still writes.
    await store.client.insert({
      table: `${store.database}.audit_events`,
      values: [event('acme', 'acme-late', 1)],
      format: 'JSONEachRow',
    })
    expect(
      numbers(
        (await query('SELECT count() AS n FROM audit_events')).body.rows as Array<Record<string, unknown>>,
      ),
    ).toEqual([{ n: ACME_EVENTS.length + 1 }])
  })

  it('refuses over HTTP attempts to reach other tenants, other tables or to write', async () => {
    // The full set of bypass attempts, with the current database switched, is in admin-sql.int.test.ts.
    const db = store.database
    const attacks: Array<[string, Record<string, unknown>?]> = [
      [
        'SELECT 1 AS tenant_id, 2 AS tool) UNION ALL WITH audit_events AS (SELECT * FROM audit_events) SELECT tenant_id, tool FROM (SELECT * FROM audit_events',
      ],
      [`SELECT * FROM ${db}.audit_events`],
      [`WITH audit_events AS (SELECT * FROM ${db}.audit_events) SELECT * FROM audit_events`],
      ['SELECT * FROM audit_events', { mcp_audit_tenant: 'globex' }],
      ['SELECT * FROM system.tables'],
      [`SELECT 1; INSERT INTO ${db}.alerts (alert_id) VALUES ('x')`],
      ['DROP TABLE audit_events'],
    ]
    for (const [sql, params] of attacks) {
      const res = await query(sql, params)
      expect(res.status, `${sql} → ${res.text}`).toBe(400)
      expect(res.text, sql).not.toContain('globex')
    }
    const [count] = await queryRows<{ n: string }>(
      store,
      `SELECT count() AS n FROM ${db}.alerts WHERE alert_id = 'x'`,
    )
    expect(Number(count?.n)).toBe(0)
  })

  it('answers 429 with Retry-After while the tenant has an admin query running', async () => {
    const running = query('SELECT sleep(0.5) AS s')
    const busy = await query('SELECT 1')
    expect(busy.status).toBe(429)
    expect(busy.headers.get('retry-after')).toMatch(/^\d+$/)
    // The embedded engine runs one admin query at a time over all tenants.
    const other = await query('SELECT 1', undefined, TOKENS.globexAdmin)
    expect([other.status, other.text]).toEqual([429, expect.stringContaining('1 admin queries are running')])
    expect((await running).status).toBe(200)
    expect((await query('SELECT 1', undefined, TOKENS.globexAdmin)).status).toBe(200)
  })

  it('generates, lists, verifies and serves reports of its own tenant only', async () => {
    const period = { from: new Date(NOW - 3_600_000).toISOString(), to: new Date(NOW).toISOString() }
    expect(
      (await call('/api/v1/reports', TOKENS.acmeRead, { from: period.to, to: period.from })).status,
    ).toBe(400)
    const created = await call('/api/v1/reports', TOKENS.acmeRead, {
      ...period,
      formats: ['pdf', 'csv', 'json'],
    })
    expect(created.status, created.text).toBe(201)
    const id = (created.body as { report_id: string }).report_id
    expect(created.body).toMatchObject({
      tenant_id: 'acme',
      created_by: 'analyst',
      verification: { ok: true },
    })

    const listed = await call('/api/v1/reports', TOKENS.acmeRead)
    expect((listed.body.reports as Array<{ report_id: string }>).map((r) => r.report_id)).toEqual([id])
    const pdf = await fetch(`${base}/api/v1/reports/${id}/pdf`, {
      headers: { Authorization: `Bearer ${TOKENS.acmeRead}` },
    })
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment/)
    expect(pdf.headers.get('content-security-policy')).toContain('sandbox')
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
    const manifest = await call(`/api/v1/reports/${id}/manifest`, TOKENS.acmeRead)
    expect(manifest.status).toBe(200)
    expect((await call(`/api/v1/reports/${id}/html`, TOKENS.acmeRead)).status).toBe(404)
    expect((await call(`/api/v1/reports/${id}/exe`, TOKENS.acmeRead)).status).toBe(404)

    // The other tenant sees none of it.
    expect((await call('/api/v1/reports', TOKENS.globexAdmin)).body).toEqual({ reports: [] })
    expect((await call(`/api/v1/reports/${id}`, TOKENS.globexAdmin)).status).toBe(404)
    for (const kind of ['pdf', 'csv', 'json', 'manifest']) {
      const res = await call(`/api/v1/reports/${id}/${kind}`, TOKENS.globexAdmin)
      expect(res.status, kind).toBe(404)
    }
  })

  it('records every API call as a self-audit entry of the caller tenant', async () => {
    audited.length = 0
    await call('/api/v1/events?server=github', TOKENS.acmeRead)
    await call('/api/v1/summary', TOKENS.acmeIngest)
    await query('SELECT 1 AS one')
    await call('/api/v1/summary', undefined)
    expect(audited.map((e) => [e.tenantId, e.action, e.actor, e.outcome])).toEqual([
      ['acme', 'console.events.list', 'analyst', 'success'],
      ['acme', 'console.summary.get', 'gw', 'denied'],
      ['acme', 'console.query', 'acme-admin', 'success'],
    ])
    expect(audited[0]!.details).toMatchObject({ query: { server: 'github' }, status: 200 })
    expect(audited[2]!.details).toMatchObject({ sql: 'SELECT 1 AS one', rows: 1 })
  })
})
