import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import type { SelfAudit, SelfAuditEntry } from '../../services/platform/self-audit.js'
import { createReports, loadSigningKey, type Reports } from '../../services/reporter/index.js'
import { verifyReportFiles } from '../../services/reporter/manifest.js'
import type { SigningKey } from '../../services/reporter/types.js'
import {
  insertAlerts,
  insertEvents,
  insertReceipts,
  seedEvents,
  type SeedEvent,
} from '../helpers/report-seed.js'
import { openTestStore, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const FROM = new Date('2026-09-30T16:00:00Z') // 2026-10-01 00:00 in Asia/Shanghai
const TO = new Date('2026-10-01T16:00:00Z')
const DAY = 86_400_000

function recordingSelfAudit(entries: SelfAuditEntry[]): SelfAudit {
  return {
    record: (entry) => entries.push(entry),
    flush: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  }
}

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
}

const numberAfter = (text: string, label: string): number[] => {
  const line = text.split('\n').find((l) => l.trim().startsWith(label))
  if (!line) throw new Error(`no line starting with "${label}"`)
  return [...line.slice(line.indexOf(label) + label.length).matchAll(/-?[\d,]+(\.\d+)?/g)].map((m) =>
    Number(m[0].replaceAll(',', '')),
  )
}

describe('reporter over a seeded dataset', () => {
  let store: TestStore
  let reports: Reports
  let signingKey: SigningKey
  const audits: SelfAuditEntry[] = []
  let acme: SeedEvent[]

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    const config = AppConfig.parse({
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      tenants: [
        {
          id: 'acme',
          timezone: 'Asia/Shanghai',
          frameworks: ['pci-dss', 'gdpr', 'eu-ai-act'],
          retention: { minDays: 365, maxDays: 730, hotDays: 90 },
        },
        { id: 'clean', timezone: 'UTC', frameworks: ['soc2', 'iso27001'] },
      ],
    })
    acme = seedEvents({
      tenant: 'acme',
      from: FROM,
      hours: 24,
      gateways: [
        { name: 'gw-a', perHour: 6 },
        { name: 'gw-b', perHour: 3, silentHours: [10, 11, 12, 13] },
      ],
      keepDays: 180,
      prefix: 'acme',
    })
    const previous = seedEvents({
      tenant: 'acme',
      from: new Date(FROM.getTime() - DAY),
      hours: 24,
      gateways: [{ name: 'gw-a', perHour: 2 }],
      keepDays: 180,
      prefix: 'prev',
    })
    await insertEvents(store, [...acme, ...previous])
    // Redelivered copies (a newer ingested_at) must not be counted twice.
    await insertEvents(
      store,
      acme.slice(0, 30).map((e) => ({ ...e, ingested_at: e.ingested_at.replace(/\.\d+$/, '.999') })),
    )
    // gw-a's collector acknowledged two events at 03:00 UTC that never reached storage.
    await insertReceipts(store, acme, (gateway, minute, n) =>
      gateway === 'gw-a' && minute === '2026-10-01 03:00:00' ? n + 2 : n,
    )
    await insertAlerts(store, 'acme', FROM)

    const clean = seedEvents({
      tenant: 'clean',
      from: FROM,
      hours: 24,
      gateways: [{ name: 'gw-c', perHour: 4 }],
      keepDays: 730,
      prefix: 'clean',
    })
    const old = seedEvents({
      tenant: 'clean',
      from: new Date(FROM.getTime() - 400 * DAY),
      hours: 1,
      gateways: [{ name: 'gw-c', perHour: 1 }],
      keepDays: 730,
      prefix: 'old',
    })
    await insertEvents(store, [...clean, ...old])
    await insertReceipts(store, clean)

    signingKey = loadSigningKey(config, logger)
    reports = createReports({ config, store, logger, selfAudit: recordingSelfAudit(audits), signingKey })
  })

  afterAll(async () => {
    await store?.dispose()
  })

  it('states the seeded figures in the PDF, CSV and JSON alike, and fails retention and completeness with evidence', async () => {
    const record = await reports.generate({
      tenantId: 'acme',
      from: FROM,
      to: TO,
      formats: ['pdf', 'html', 'csv', 'json'],
      requestedBy: 'alice-token',
      name: 'Daily compliance',
    })
    expect(record.status).toBe('ready')
    const dir = path.dirname((await reports.file('acme', record.report_id, 'pdf'))!.path)

    const calls = acme.length
    const failures = acme.filter((e) => e.status !== 'success').length
    const toolErrors = acme.filter((e) => e.error_class === 'tool_error').length
    const denials = acme.filter((e) => e.status === 'denied').length
    const users = new Set(acme.map((e) => e.user_id)).size

    const text = pdfText(path.join(dir, 'report.pdf'))
    expect(text).toContain('Tenant: acme')
    expect(text).toContain('Asia/Shanghai')
    expect(text).toContain('2026-10-01 00:00 – 2026-10-02 00:00')
    expect(numberAfter(text, 'Calls').slice(0, 2)).toEqual([calls, 48])
    expect(numberAfter(text, 'Failed calls')[0]).toBe(failures)
    expect(numberAfter(text, 'Tool errors')[0]).toBe(toolErrors)
    expect(numberAfter(text, 'Denials')[0]).toBe(denials)
    expect(numberAfter(text, 'Unique users (pseudonymized)')[0]).toBe(users)
    expect(text).toContain('读取文件')
    expect(text).toContain('用户-张三')
    expect(text).toMatch(/Contents/)
    expect(text).toMatch(/Page 3 of \d+/)

    const csv = readFileSync(path.join(dir, 'summary.csv'), 'utf8')
    expect(csv).toContain(`Calls,${calls},48,`)
    expect(csv).toContain(`Failed calls,${failures},`)
    const json = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      summary: { calls: number; failures: number; toolErrors: number; users: number }
      checks: Array<{ id: string; status: string; evidence: string[]; summary: string }>
    }
    expect(json.summary).toMatchObject({ calls, failures, toolErrors, users })
    const toolsCsv = readFileSync(path.join(dir, 'top-tools.csv'), 'utf8')
    const top = acme.filter((e) => e.tool === '读取文件').length
    expect(toolsCsv).toContain(`读取文件,${top},`)
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('读取文件')

    const check = (id: string) => json.checks.find((c) => c.id === id)!
    expect(check('completeness-gaps').status).toBe('fail')
    expect(check('completeness-gaps').evidence.join('\n')).toContain(
      'gw-b silent 2026-10-01 02:00 → 2026-10-01 06:00 (4 h)',
    )
    expect(check('completeness-receipts').status).toBe('fail')
    expect(check('completeness-receipts').evidence.join('\n')).toContain(
      'gw-a 2026-10-01 03:00: accepted 8, stored 6',
    )
    expect(check('retention-minimum').status).toBe('fail')
    expect(check('retention-minimum').summary).toContain(
      `${acme.length + 48} stored events expire before the required 365 days`,
    )
    expect(text).toMatch(/FAIL\s+Retention meets each framework minimum/)
    expect(record.checks.fail).toBeGreaterThanOrEqual(3)

    expect(audits.filter((a) => a.action === 'report.generate' && a.outcome === 'success')).toHaveLength(1)
    expect(audits[0]).toMatchObject({
      tenantId: 'acme',
      actor: 'alice-token',
      resource: `report:${record.report_id}`,
    })
  })

  it('verifies, then detects a one-byte change in any file or the manifest', async () => {
    const record = await reports.generate({
      tenantId: 'acme',
      from: FROM,
      to: TO,
      formats: ['pdf', 'csv'],
      requestedBy: 'bob',
    })
    expect(await reports.verify('acme', record.report_id)).toEqual({ ok: true, problems: [] })
    const pdf = (await reports.file('acme', record.report_id, 'pdf', undefined, {
      name: 'bob',
      role: 'read',
    }))!
    expect(
      audits.some(
        (a) => a.action === 'report.download' && a.resource === `report:${record.report_id}/report.pdf`,
      ),
    ).toBe(true)

    const original = readFileSync(pdf.path)
    const changed = Buffer.from(original)
    const at = Math.floor(changed.length / 2)
    changed.writeUInt8(changed.readUInt8(at) ^ 0x01, at)
    writeFileSync(pdf.path, changed)
    const broken = await reports.verify('acme', record.report_id)
    expect(broken.ok).toBe(false)
    expect(broken.problems.join('\n')).toContain('report.pdf was changed')
    writeFileSync(pdf.path, original)
    expect((await reports.verify('acme', record.report_id)).ok).toBe(true)

    const manifestPath = (await reports.file('acme', record.report_id, 'manifest'))!.path
    const manifest = readFileSync(manifestPath, 'utf8')
    writeFileSync(
      manifestPath,
      manifest.replace('"name": "Compliance report"', '"name": "Compliance reporT"'),
    )
    const forged = await verifyReportFiles(manifestPath, { trusted: signingKey.publicKey })
    expect(forged.ok).toBe(false)
    expect(forged.problems.join('\n')).toContain('signature does not match')
    writeFileSync(manifestPath, manifest)

    // The next report's integrity check re-verifies earlier reports and lists them as evidence.
    const next = await reports.generate({
      tenantId: 'acme',
      from: FROM,
      to: TO,
      formats: ['json'],
      requestedBy: 'bob',
    })
    const json = JSON.parse(
      readFileSync((await reports.file('acme', next.report_id, 'json'))!.path, 'utf8'),
    ) as { checks: Array<{ id: string; status: string; evidence: string[] }> }
    const integrity = json.checks.find((c) => c.id === 'integrity')!
    expect(integrity.status).toBe('pass')
    expect(integrity.evidence.join('\n')).toContain(`${record.report_id}: verified`)
    const review = json.checks.find((c) => c.id === 'review-evidence')!
    expect(review.status).toBe('pass')
  })

  it('passes retention and completeness for a tenant that keeps long enough and never goes silent', async () => {
    const record = await reports.generate({
      tenantId: 'clean',
      from: FROM,
      to: TO,
      formats: ['json'],
      requestedBy: 'carol',
    })
    const json = JSON.parse(
      readFileSync((await reports.file('clean', record.report_id, 'json'))!.path, 'utf8'),
    ) as { checks: Array<{ id: string; status: string }>; summary: { calls: number } }
    const status = Object.fromEntries(json.checks.map((c) => [c.id, c.status]))
    expect(json.summary.calls).toBe(96)
    expect(status).toMatchObject({
      'retention-minimum': 'pass',
      'retention-maximum': 'pass',
      'completeness-gaps': 'pass',
      'completeness-receipts': 'pass',
    })
    expect(await reports.list('clean')).toHaveLength(1)
    expect(await reports.file('acme', record.report_id, 'json')).toBeUndefined()
  })
})
