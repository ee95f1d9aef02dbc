import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { freePort } from '../../services/platform/local-kafka.js'
import { createLogger } from '../../services/platform/logger.js'
import { packageRoot } from '../../services/platform/paths.js'
import { createContext, startServices } from '../../services/runtime/index.js'
import { launchChromium, openConsolePage, pageLoaded, signIn } from '../helpers/console-browser.js'
import { waitForCount } from '../helpers/store.js'

/**
 * The console's Export page in headless Chromium, over `start`'s wiring (collector → Kafka →
 * normalizer → embedded ClickHouse → exporter, console beside it): a Kafka sink that delivers and a
 * Splunk HEC sink whose receiver is down, both of tenant acme; tenant globex sees the empty state.
 */

/** The README's screenshot (docs/console-export.png) is refreshed only when asked. */
const UPDATE_DOCS = process.env.MCP_AUDIT_SCREENSHOTS === '1'
const HEC_TOKEN = 'e2e-hec-token-must-never-show-0123'
const TOKENS = {
  ingest: 'e2e-export-ingest-token-0123456789',
  admin: 'e2e-export-admin-token-0123456789ab',
  globex: 'e2e-export-globex-read-token-012345',
}

describe('console export page (headless Chromium)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-e2e-export-'))
  const suffix = Math.random().toString(36).slice(2, 8)
  const lifecycle = new Lifecycle(createLogger({ level: 'silent' }))
  let consoleUrl: string
  let browser: Browser
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    const brokers = inject('kafkaBrokers')
    const deadPort = await freePort()
    const config = AppConfig.parse({
      dataDir,
      logLevel: 'silent',
      kafka: {
        brokers,
        topics: { raw: `e2e.raw.${suffix}`, dlq: `e2e.dlq.${suffix}`, receipts: `e2e.receipts.${suffix}` },
        partitions: 3,
      },
      clickhouse: { database: `mcp_audit_test_export_${suffix}` },
      collector: { port: 0, metricsPort: 0, host: '127.0.0.1', workers: 0 },
      console: { port: 0, metricsPort: 0, host: '127.0.0.1' },
      normalizer: { consumerGroup: `e2e-export-${suffix}`, workers: 0, batchMaxWaitMs: 200 },
      pseudonymization: { key: 'e2e-pseudonymization-key-0123456789' },
      alerts: { allowPrivateNetworks: ['127.0.0.0/8'] },
      export: {
        batchMaxWaitMs: 200,
        pollMs: 100,
        sinks: [
          {
            name: 'lake',
            type: 'kafka',
            topic: `e2e.export.${suffix}`,
            tenants: ['acme'],
            startFrom: 'earliest',
          },
          {
            name: 'soc',
            type: 'splunk-hec',
            url: `http://127.0.0.1:${deadPort}`,
            token: HEC_TOKEN,
            index: 'mcp',
            tenants: ['acme'],
            startFrom: 'earliest',
          },
        ],
      },
      tenants: [
        {
          id: 'acme',
          tokens: [
            { name: 'gateway', scope: 'ingest', value: TOKENS.ingest },
            { name: 'secops-admin', scope: 'admin', value: TOKENS.admin },
          ],
        },
        { id: 'globex', tokens: [{ name: 'globex-reader', scope: 'read', value: TOKENS.globex }] },
      ],
    })
    const context = await createContext(
      { config, logger: createLogger({ level: 'silent' }), lifecycle },
      { kafka: 'local', store: true, devTenant: false, what: 'the export page test' },
    )
    const runtime = await startServices(context, {
      services: ['collector', 'normalizer', 'exporter', 'console'],
      allowGeneratedKey: true,
    })
    consoleUrl = runtime.console!.url
    const events = Array.from({ length: 120 }, (_, i) => ({
      event_id: `export-page-${i}`,
      timestamp: new Date(Date.now() - (120 - i) * 1_000).toISOString(),
      method: 'tools/call',
      server: { name: 'filesystem' },
      tool: 'read_file',
      status: 'success',
    }))
    const res = await fetch(`${runtime.collector!.url}/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.ingest}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(events),
    })
    expect(res.status).toBe(202)
    await waitForCount(
      context.store!,
      `SELECT count() AS n FROM ${context.store!.database}.audit_events WHERE tenant_id = 'acme'`,
      120,
    )
    browser = await launchChromium()
    page = await openConsolePage(
      browser,
      { viewport: { width: 1280, height: 640 }, locale: 'en-US' },
      problems,
    )
  })

  afterAll(async () => {
    await browser?.close()
    await lifecycle.stop('test')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it("lists the tenant's sinks with status, lag, throughput and the failing sink's error", async () => {
    await page.goto(`${consoleUrl}/#/export`)
    await signIn(page, TOKENS.admin, 'export')
    expect(await page.textContent('#page-title')).toBe('Export')
    // The Kafka sink delivers; the HEC receiver is down, so that sink waits to retry with its error.
    await expect
      .poll(
        async () => {
          await page.click('#refresh')
          await pageLoaded(page, 'export')
          return [
            await page.getAttribute('tr[data-sink="lake"]', 'data-status'),
            await page.getAttribute('tr[data-sink="soc"]', 'data-status'),
          ]
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual(['ok', 'paused'])
    const lake = await page.textContent('tr[data-sink="lake"]')
    expect(lake).toContain('kafka')
    expect(lake).toMatch(/\/s/)
    const soc = await page.textContent('tr[data-sink="soc"]')
    expect(soc).toContain('splunk-hec')
    expect(soc).toMatch(/ECONNREFUSED|fetch failed|connect/i)
    expect(await page.textContent('#page')).not.toContain(HEC_TOKEN)
    await page.screenshot({
      path: path.join(UPDATE_DOCS ? path.join(packageRoot(), 'docs') : dataDir, 'console-export.png'),
    })

    // The switch renders the page again; its data arrives after the default second of expect.poll
    // on a loaded machine.
    await page.selectOption('.sidebar .language-select', 'zh-CN')
    await pageLoaded(page, 'export')
    expect(await page.textContent('#page')).toContain('导出目标')
    expect(await page.textContent('#page-title')).toBe('导出')
    expect(await page.textContent('tr[data-sink="soc"] .badge')).toBe('已暂停')
    await page.selectOption('.sidebar .language-select', 'en')
    expect(problems).toEqual([])
  })

  it('shows a tenant without sinks how to configure export.sinks', async () => {
    await page.click('#logout')
    await signIn(page, TOKENS.globex, 'export')
    const text = await page.textContent('#page')
    expect(text).toContain("No export sinks send this tenant's events yet.")
    expect(text).toContain('export.sinks')
    expect(await page.textContent('.empty-help pre')).toContain('type: splunk-hec')
    expect(await page.$('tr[data-sink]')).toBeNull()
    expect(problems).toEqual([])
  })
})
