import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createContext, startServices } from '../../services/runtime/index.js'
import { launchChromium, openConsolePage, pageLoaded, signIn } from '../helpers/console-browser.js'

/**
 * The console's language switch in headless Chromium: English by default, 简体中文 when chosen,
 * remembered across reloads and sign-ins, and a report generated from a Chinese console is Chinese.
 * The console alone over an empty embedded store: the switch needs no traffic.
 */

const TOKEN = 'lang-admin-token-0123456789abcdef'

describe('console language switch (headless Chromium)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-e2e-language-'))
  const suffix = Math.random().toString(36).slice(2, 8)
  const lifecycle = new Lifecycle(createLogger({ level: 'silent' }))
  let consoleUrl: string
  let browser: Browser
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    const config = AppConfig.parse({
      dataDir,
      logLevel: 'silent',
      clickhouse: { database: `mcp_audit_test_lang_${suffix}` },
      console: { port: 0, metricsPort: 0, host: '127.0.0.1' },
      tenants: [{ id: 'acme', tokens: [{ name: 'secops-admin', scope: 'admin', value: TOKEN }] }],
    })
    const context = await createContext(
      { config, logger: createLogger({ level: 'silent' }), lifecycle },
      { kafka: 'none', store: true, devTenant: false, what: 'the language test' },
    )
    const runtime = await startServices(context, { services: ['console'], allowGeneratedKey: true })
    consoleUrl = runtime.console!.url
    browser = await launchChromium()
    page = await openConsolePage(
      browser,
      { viewport: { width: 1280, height: 800 }, locale: 'en-US' },
      problems,
    )
  })

  afterAll(async () => {
    await browser?.close()
    await lifecycle.stop('test')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('switches to 简体中文 and back, remembering the choice', async () => {
    await page.goto(consoleUrl)
    await page.waitForSelector('#login:not([hidden])')
    expect(await page.textContent('#login h1')).toBe('Sign in to the console')
    expect(await page.getAttribute('html', 'lang')).toBe('en')

    await page.selectOption('#login .language-select', 'zh-CN')
    expect(await page.textContent('#login h1')).toBe('登录控制台')
    await page.reload()
    await page.waitForSelector('#login:not([hidden])')
    expect(await page.textContent('#login h1')).toBe('登录控制台')
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
    expect(await page.inputValue('#login .language-select')).toBe('zh-CN')

    await signIn(page, TOKEN, 'overview')
    expect(await page.textContent('#page-title')).toBe('概览')
    expect(await page.textContent('.sidebar a[data-page="reports"]')).toBe('报告')
    expect(await page.textContent('#page')).toContain('MCP 调用')
    expect(await page.inputValue('.sidebar .language-select')).toBe('zh-CN')

    await page.click('.sidebar a[data-page="reports"]')
    await pageLoaded(page, 'reports')
    await page.click('#page button.primary')
    await page.waitForSelector('#page tr[data-report-id]')
    expect(await page.textContent('#page')).toContain('立即生成')
    const reportId = await page.getAttribute('#page tr[data-report-id]', 'data-report-id')
    const res = await fetch(`${consoleUrl}/api/v1/reports/${reportId}/json`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    })
    const report = (await res.json()) as { locale: string; name: string }
    expect(report).toMatchObject({ locale: 'zh-CN', name: '合规审计报告' })

    // The switch renders the page again; its data arrives after the default second of expect.poll
    // on a loaded machine.
    await page.selectOption('.sidebar .language-select', 'en')
    expect(await page.textContent('#page-title')).toBe('Reports')
    await pageLoaded(page, 'reports')
    expect(await page.textContent('#page')).toContain('Generate now')
    await page.reload()
    await pageLoaded(page, 'reports')
    expect(await page.textContent('.sidebar a[data-page="overview"]')).toBe('Overview')
    expect(problems).toEqual([])
  })
})
