import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import type { Store } from '../../services/platform/clickhouse.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { packageRoot } from '../../services/platform/paths.js'
import { createContext, startServices } from '../../services/runtime/index.js'
import { launchChromium, openConsolePage, pageLoaded, signIn } from '../helpers/console-browser.js'
import { queryRows, waitForCount } from '../helpers/store.js'

/**
 * The whole product in one process (collector → real Kafka → normalizer → embedded ClickHouse,
 * detector, reporter, console), driven through headless Chromium like an analyst would.
 */

/** Screenshots refresh the README's (docs/console-*.png) only when asked, so test runs leave the tree clean. */
const UPDATE_DOCS = process.env.MCP_AUDIT_SCREENSHOTS === '1'
const TOKENS = {
  ingest: 'e2e-ingest-token-0123456789abcdef',
  read: 'e2e-analyst-token-0123456789abcdef',
  admin: 'e2e-admin-token-0123456789abcdef',
  other: 'e2e-globex-ingest-token-0123456789',
}
const SERVERS: Record<string, string[]> = {
  filesystem: ['read_file', 'write_file', 'list_directory'],
  github: ['create_issue', 'search_code', 'get_pull_request'],
  postgres: ['query', 'list_tables'],
  slack: ['post_message'],
}
const USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com']

const warp = (x: number) => x + 0.025 * Math.sin(x * 6 * Math.PI)

/** Deterministic traffic over most of a day: mostly successes, some errors, denials and timeouts. */
function traffic(count: number, now: number) {
  const events: Array<Record<string, unknown>> = []
  for (let i = 0; i < count; i++) {
    const servers = Object.keys(SERVERS)
    const server = servers[[0, 0, 1, 0, 2, 1, 3, 0, 1, 2][(i * 7) % 10]!]!
    const tools = SERVERS[server]!
    const tool = tools[(i * 5) % tools.length]!
    const roll = (i * 37) % 100
    const status = roll < 86 ? 'success' : roll < 93 ? 'error' : roll < 97 ? 'denied' : 'timeout'
    const wave = 1 + Math.sin(i / 18)
    events.push({
      // Uneven over the last 22 hours (busier and quieter stretches), like real traffic.
      timestamp: new Date(now - 22 * 3_600_000 * (1 - warp((i + 1) / count))).toISOString(),
      method: 'tools/call',
      server: { name: server, version: '1.2.0', transport: 'streamable-http' },
      tool,
      client: { name: i % 4 === 0 ? 'cursor' : 'claude-desktop', version: '1.4.0' },
      user: { id: USERS[i % USERS.length], roles: ['mcp-developer'], auth_method: 'oauth2' },
      source_ip: `10.1.2.${i % 20}`,
      session_id: `sess-${i % 9}`,
      arguments: { path: `/data/project/file-${i}.txt`, note: `contact ${USERS[i % USERS.length]}` },
      result: { content: [{ type: 'text', text: 'ok' }], isError: status === 'error' },
      status,
      duration_ms: Math.round((20 + ((i * 53) % 180) * wave + (status === 'timeout' ? 2_500 : 0)) * 10) / 10,
    })
  }
  for (const n of [1, 2]) {
    events.push({
      timestamp: new Date(now - n * 60_000).toISOString(),
      method: 'tools/call',
      server: { name: 'filesystem', version: '1.2.0', transport: 'stdio' },
      tool: 'read_file',
      user: { id: 'mallory@example.com', roles: ['contractor'], auth_method: 'oauth2' },
      source_ip: '203.0.113.7',
      arguments: { path: `../../../../etc/passwd${n}` },
      status: 'success',
      duration_ms: 4,
    })
  }
  return events
}

describe('web console end to end (headless Chromium)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-e2e-console-'))
  const suffix = Math.random().toString(36).slice(2, 8)
  const lifecycle = new Lifecycle(createLogger({ level: 'silent' }))
  let store: Store
  let collectorUrl: string
  let collectorMetricsUrl: string
  let consoleMetricsUrl: string
  let consoleUrl: string
  let browser: Browser
  let page: Page
  const problems: string[] = []
  const posted = traffic(480, Date.now())

  beforeAll(async () => {
    const config = AppConfig.parse({
      dataDir,
      logLevel: 'silent',
      kafka: {
        brokers: inject('kafkaBrokers'),
        topics: { raw: `e2e.raw.${suffix}`, dlq: `e2e.dlq.${suffix}`, receipts: `e2e.receipts.${suffix}` },
        partitions: 3,
      },
      clickhouse: { database: `mcp_audit_test_${suffix}` },
      collector: { port: 0, metricsPort: 0, host: '127.0.0.1', workers: 0 },
      console: { port: 0, metricsPort: 0, host: '127.0.0.1' },
      normalizer: { consumerGroup: `e2e-console-${suffix}`, workers: 0, batchMaxWaitMs: 200 },
      pseudonymization: { key: 'e2e-pseudonymization-key-0123456789' },
      tenants: [
        {
          id: 'acme',
          tokens: [
            { name: 'gateway', scope: 'ingest', value: TOKENS.ingest },
            { name: 'analyst', scope: 'read', value: TOKENS.read },
            { name: 'secops-admin', scope: 'admin', value: TOKENS.admin },
          ],
          frameworks: ['pci-dss', 'soc2', 'iso27001', 'gdpr'],
        },
        { id: 'globex', tokens: [{ name: 'globex-gw', scope: 'ingest', value: TOKENS.other }] },
      ],
    })
    const context = await createContext(
      {
        config,
        logger: createLogger({ level: process.env.TEST_LOG === '1' ? 'error' : 'silent' }),
        lifecycle,
      },
      { kafka: 'local', store: true, devTenant: true, what: 'the e2e test' },
    )
    store = context.store!
    const runtime = await startServices(context, {
      services: ['collector', 'normalizer', 'detector', 'reporter', 'console'],
      allowGeneratedKey: true,
    })
    collectorUrl = runtime.collector!.url
    collectorMetricsUrl = runtime.collector!.metricsUrl
    consoleUrl = runtime.console!.url
    consoleMetricsUrl = runtime.console!.metricsUrl

    const send = async (token: string, events: unknown[]) => {
      const res = await fetch(`${collectorUrl}/v1/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(events),
      })
      expect(res.status).toBe(202)
    }
    await send(TOKENS.ingest, posted)
    await send(
      TOKENS.other,
      traffic(30, Date.now()).map((e) => ({ ...e, server: { name: 'globex-internal' } })),
    )
    const db = store.database
    const stored = await waitForCount(
      store,
      `SELECT count() AS n FROM ${db}.audit_events WHERE tenant_id = 'acme' AND server_name != 'mcp-audit'`,
      posted.length,
    )
    expect(stored).toBe(posted.length)
    expect(
      await waitForCount(
        store,
        `SELECT count() AS n FROM ${db}.alerts FINAL WHERE tenant_id = 'acme' AND rule_id = 'mcp-path-traversal'`,
        1,
      ),
    ).toBeGreaterThanOrEqual(1)

    browser = await launchChromium()
    page = await openConsolePage(
      browser,
      { viewport: { width: 1280, height: 800 }, acceptDownloads: true },
      problems,
    )
    page.on('console', (message) => {
      // The sign-in test presents a wrong token on purpose.
      if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text())
    })
  })

  afterAll(async () => {
    await browser?.close()
    await lifecycle.stop('test')
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function shot(name: string): Promise<void> {
    const file = path.join(UPDATE_DOCS ? path.join(packageRoot(), 'docs') : dataDir, `console-${name}.png`)
    await page.screenshot({ path: file })
    expect(statSync(file).size).toBeLessThan(200 * 1024)
  }

  async function openPage(name: string): Promise<void> {
    await page.click(`.sidebar a[data-page="${name}"]`)
    await pageLoaded(page, name)
  }

  it('signs in with a token and shows the overview with the pipeline data', async () => {
    await page.goto(consoleUrl)
    await page.fill('#token', 'wrong-token-0123456789')
    await page.click('#login-form button[type="submit"]')
    await expect.poll(() => page.textContent('#login-error')).toContain('not accepted')
    await signIn(page, TOKENS.read, 'overview')
    expect(await page.textContent('#whoami')).toContain('acme')
    const calls = await page.textContent('.kpi .value')
    expect(Number(calls?.replace(/,/g, ''))).toBe(posted.length)
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3)
    const tools = await page.locator('section.card:has(h2:text("Top tools")) tbody tr').count()
    expect(tools).toBeGreaterThan(3)
    expect(await page.textContent('#page')).not.toContain('globex')
    await shot('overview')
  })

  it('filters events and opens the redacted detail of one', async () => {
    await openPage('events')
    await page.fill('input[name="server"]', 'github')
    await page.selectOption('select[name="status"]', 'success')
    await page.click('form.filters button[type="submit"]')
    await page.waitForFunction("location.hash.includes('server=github')")
    await pageLoaded(page, 'events')
    const servers = await page.locator('tbody tr td:nth-child(2)').allTextContents()
    expect(servers.length).toBeGreaterThan(0)
    expect(new Set(servers)).toEqual(new Set(['github']))
    await shot('events')

    await page.locator('tbody tr.clickable').first().click()
    await page.waitForSelector('dl.detail')
    const detail = await page.textContent('#page')
    expect(detail).toContain('Arguments (redacted')
    expect(detail).not.toContain('@example.com')
    expect(detail).toMatch(/\[REDACTED|redacted/i)
    await shot('event-detail')
  })

  it('acknowledges an alert as an analyst', async () => {
    await openPage('alerts')
    const row = page.locator('tr:has-text("Path traversal")').first()
    await row.locator('button:text("Acknowledge")').click()
    await page.waitForSelector('tr:has-text("Path traversal") .badge.acknowledged')
    const alertId = await page.locator('tr:has-text("Path traversal")').first().getAttribute('data-alert-id')
    const [stored] = await queryRows<{ status: string; updated_by: string }>(
      store,
      `SELECT status, updated_by FROM ${store.database}.alerts FINAL WHERE alert_id = {id:String}`,
      { id: alertId },
    )
    expect(stored).toEqual({ status: 'acknowledged', updated_by: 'analyst' })
    await shot('alerts')
  })

  it('generates a report, shows it verified and downloads the PDF', async () => {
    await openPage('reports')
    await page.click('button:text("Generate now")')
    await page.waitForSelector('tr[data-report-id] .badge.verified', { timeout: 60_000 })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('tr[data-report-id] button[data-kind="pdf"]').first().click(),
    ])
    const file = path.join(dataDir, 'downloaded.pdf')
    await download.saveAs(file)
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-')
    await shot('reports')
  })

  it('ran without browser errors, and audited every API call', async () => {
    expect(problems).toEqual([])
    const db = store.database
    const audited = await waitForCount(
      store,
      `SELECT uniqExact(tool) AS n FROM ${db}.audit_events
       WHERE tenant_id = 'acme' AND server_name = 'mcp-audit'
         AND tool IN ('console.summary.get', 'console.events.list', 'console.events.get', 'console.alerts.acknowledge', 'console.reports.generate')`,
      5,
    )
    expect(audited).toBe(5)
  })

  it('exposes the MCP metrics computed from the audit stream on /metrics, on the metrics ports only', async () => {
    // They name every tenant's servers and tools: never on the console's own port.
    expect((await fetch(`${consoleUrl}/metrics`)).status).toBe(404)
    for (const url of [collectorMetricsUrl, consoleMetricsUrl]) {
      const metrics = await (await fetch(`${url}/metrics`)).text()
      expect(metrics).toMatch(
        /mcp_requests_total\{server="github",tool="create_issue",status="success"\} \d+/,
      )
      expect(metrics).toMatch(
        /mcp_request_duration_seconds_bucket\{le="0\.25",server="filesystem",tool="read_file"\}/,
      )
      expect(metrics).toMatch(/mcp_active_connections\{server="filesystem"\} [1-9]/)
      expect(metrics).toMatch(/mcp_errors_total\{server="postgres",error_type="[a-z_]+"\} [1-9]/)
      expect(metrics).toContain('mcp_audit_console_requests_total{action="console.summary.get",status="200"}')
    }
  })
})
