import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import type { SelfAudit, SelfAuditEntry } from '../../services/platform/self-audit.js'
import {
  createReports,
  loadSigningKey,
  ReportLimitError,
  ReportRequestError,
  type GenerateRequest,
  type Reports,
} from '../../services/reporter/index.js'
import { LOCK_FILE } from '../../services/reporter/limits.js'
import { reportsTable, type ReportsTable } from '../../services/reporter/report-store.js'
import { createReportRetention, type ReportRetention } from '../../services/reporter/retention.js'
import { createReportScheduler, type ReportScheduler } from '../../services/reporter/scheduler.js'
import { insertEvents, seedEvents } from '../helpers/report-seed.js'
import { openTestStore, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const FROM = new Date('2026-11-01T00:00:00Z')
const TO = new Date('2026-11-02T00:00:00Z')
const DAY = 86_400_000
const KEEP_DAYS = 30

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the report to be refused')
}

describe('report generation limits and retention', () => {
  let store: TestStore
  let reports: Reports
  let table: ReportsTable
  let scheduler: ReportScheduler
  let retention: ReportRetention
  let outside: string
  const audits: SelfAuditEntry[] = []
  const selfAudit: SelfAudit = {
    record: (entry) => audits.push(entry),
    flush: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  }
  const request = (tenantId: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
    tenantId,
    from: FROM,
    to: TO,
    formats: ['json'],
    requestedBy: 'reader',
    requestedByRole: 'read',
    requestedVia: 'api',
    ...extra,
  })

  beforeAll(async () => {
    store = openTestStore()
    outside = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-report-out-'))
    await migrate(store, logger)
    const config = AppConfig.parse({
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      tenants: [{ id: 'acme' }, { id: 'globex' }, { id: 'initech' }],
      reports: [
        { name: 'daily', tenant: 'acme', schedule: '0 6 * * *', period: 'last-day', formats: ['json'] },
      ],
      reporter: { maxPerHour: 2, keepDays: KEEP_DAYS },
    })
    await insertEvents(
      store,
      ['acme', 'globex', 'initech'].flatMap((tenant) =>
        seedEvents({
          tenant,
          from: FROM,
          hours: 24,
          gateways: [{ name: 'gw', perHour: 2 }],
          keepDays: 730,
          prefix: tenant,
        }),
      ),
    )
    reports = createReports({ config, store, logger, selfAudit, signingKey: loadSigningKey(config, logger) })
    table = reportsTable(store)
    scheduler = createReportScheduler({
      config,
      reports,
      table,
      notifier: { notify: () => Promise.resolve() },
      logger,
      busyRetryMs: 50,
    })
    retention = createReportRetention({ config, table, selfAudit, logger })
  })

  afterAll(async () => {
    await scheduler?.stop()
    await store?.dispose()
    rmSync(outside, { recursive: true, force: true })
  })

  it("refuses a second generation of a tenant while one runs, not another tenant's, and frees the slot after", async () => {
    const [first, second, other] = await Promise.allSettled([
      reports.generate(request('acme', { requestedVia: 'cli' })),
      reports.generate(request('acme', { requestedVia: 'cli' })),
      reports.generate(request('globex', { requestedVia: 'cli' })),
    ])
    expect(first.status).toBe('fulfilled')
    expect(other.status).toBe('fulfilled')
    expect(second.status).toBe('rejected')
    const busy = (second as PromiseRejectedResult).reason as ReportLimitError
    expect(busy).toBeInstanceOf(ReportLimitError)
    expect(busy.kind).toBe('busy')
    expect(busy.message).toMatch(
      /^a report of tenant "acme" is being generated since .+; one at a time per tenant/,
    )
    expect(existsSync(path.join(store.dataDir, 'reports', 'acme', LOCK_FILE))).toBe(false)
    expect((await reports.generate(request('acme', { requestedVia: 'cli' }))).status).toBe('ready')
  })

  it("lets a scheduled run wait for the tenant's running report instead of failing", async () => {
    // Another live process of this data directory (the CLI, say) is generating for acme.
    const lock = path.join(store.dataDir, 'reports', 'acme', LOCK_FILE)
    const owner = { pid: process.ppid, host: os.hostname(), process: 'cli', started_at: Date.now() }
    writeFileSync(lock, JSON.stringify(owner))
    expect((await refusal(reports.generate(request('acme', { requestedVia: 'cli' })))).message).toMatch(
      /is being generated/,
    )
    let settled = false
    const scheduled = scheduler.run('daily', new Date('2026-11-03T06:00:00Z')).finally(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(settled).toBe(false)
    rmSync(lock)
    expect(await scheduled).toMatchObject({
      status: 'ready',
      schedule: 'daily',
      period_from: '2026-11-02T00:00:00.000Z',
    })
  })

  it('refuses the API past reporter.maxPerHour per tenant, not the CLI or another tenant', async () => {
    await reports.generate(request('initech'))
    await reports.generate(request('initech'))
    const rate = (await refusal(reports.generate(request('initech')))) as ReportLimitError
    expect(rate).toBeInstanceOf(ReportLimitError)
    expect(rate.kind).toBe('rate')
    expect(rate.message).toContain('reporter.maxPerHour')
    expect(rate.retryAfterSeconds).toBeGreaterThan(3_500)
    expect(rate.retryAfterSeconds).toBeLessThanOrEqual(3_600)
    expect((await reports.generate(request('initech', { requestedVia: 'cli' }))).status).toBe('ready')
    expect((await reports.generate(request('globex'))).status).toBe('ready')
  })

  it('refuses a period longer than reporter.maxPeriodDays, naming the limit, and accepts 400 days', async () => {
    const long = await refusal(
      reports.generate(request('globex', { from: new Date(TO.getTime() - 401 * DAY), requestedVia: 'cli' })),
    )
    expect(long).toBeInstanceOf(ReportRequestError)
    expect(long.message).toBe(
      'the period has 401 days; a report covers at most 400 (reporter.maxPeriodDays): split the period',
    )
    const longest = await reports.generate(
      request('globex', { from: new Date(TO.getTime() - 400 * DAY), requestedVia: 'cli' }),
    )
    expect(longest.status).toBe('ready')
  })

  it('deletes reports older than reporter.keepDays, files and rows, each recorded as report.delete', async () => {
    const copy = await reports.generate(request('globex', { requestedVia: 'cli', outDir: outside }))
    const stored = await table.createdBefore(new Date(Date.now() + DAY), 1_000)
    expect(stored.length).toBeGreaterThanOrEqual(8)
    const inDataDir = stored.filter((r) => r.report_id !== copy.report_id)
    for (const report of inDataDir) expect(readdirSync(report.directory)).toContain('manifest.json')

    expect(await retention.sweep(new Date(Date.now() + (KEEP_DAYS - 1) * DAY))).toBe(0)
    expect(await table.get('acme', inDataDir[0]!.report_id)).toBeDefined()

    audits.length = 0
    expect(await retention.sweep(new Date(Date.now() + (KEEP_DAYS + 1) * DAY))).toBe(stored.length)
    for (const report of inDataDir) expect(existsSync(report.directory)).toBe(false)
    // A CLI `--out` copy outside the data directory is the operator's: its row goes, its files stay.
    expect(readdirSync(path.join(outside, copy.report_id))).toContain('manifest.json')
    const rows = await store.client.query({
      query: `SELECT count() AS n FROM ${store.database}.reports FINAL`,
      format: 'JSONEachRow',
    })
    expect((await rows.json<{ n: number | string }>()).map((row) => Number(row.n))).toEqual([0])
    expect((await reports.list('acme')).length).toBe(0)

    expect(audits.map((a) => a.resource).sort()).toEqual(stored.map((r) => `report:${r.report_id}`).sort())
    const deletion = audits.find((a) => a.resource === `report:${inDataDir[0]!.report_id}`)
    expect(deletion).toMatchObject({
      tenantId: inDataDir[0]!.tenant_id,
      action: 'report.delete',
      actor: 'retention',
      actorRole: 'system',
      outcome: 'success',
      details: { keep_days: KEEP_DAYS, files_deleted: ['report.json', 'manifest.json'] },
    })
    expect(audits.find((a) => a.resource === `report:${copy.report_id}`)?.details).toMatchObject({
      files_deleted: [],
    })
  })
})
