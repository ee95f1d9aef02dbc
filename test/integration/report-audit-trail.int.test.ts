import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import type { SignedManifest } from '../../schemas/report.js'
import { createSealer, loadSealKey } from '../../services/integrity/index.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { createReports, loadSigningKey, type Reports } from '../../services/reporter/index.js'
import { verifyReportFiles } from '../../services/reporter/manifest.js'
import { insertEvents, seedEvents } from '../helpers/report-seed.js'
import { openTestStore, queryRows, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const FROM = new Date('2026-10-01T00:00:00Z')
const TO = new Date('2026-10-02T00:00:00Z')
const noAudit = { record: () => undefined, flush: () => Promise.resolve(), stop: () => Promise.resolve() }

interface ReportJson {
  checks: Array<{ id: string; status: string; summary: string; evidence: string[] }>
  frameworks: Array<{ framework: string; controls: Array<{ id: string; status: string }> }>
  compliance: {
    auditTrail: { verified: boolean; seals: number; firstSeal: { digest: string; sealHash: string } }
  }
}

describe('reports state the integrity of their own evidence (audit-trail-integrity)', () => {
  let store: TestStore
  let reports: Reports
  let config: AppConfig
  let seals: Array<{ digest: string; seal_hash: string }>

  const generate = async () => {
    const record = await reports.generate({
      tenantId: 'acme',
      from: FROM,
      to: TO,
      formats: ['pdf', 'html', 'json'],
      requestedBy: 'auditor',
    })
    const dir = path.dirname((await reports.file('acme', record.report_id, 'json'))!.path)
    const json = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as ReportJson
    const check = json.checks.find((c) => c.id === 'audit-trail-integrity')!
    return { record, dir, json, check }
  }

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    config = AppConfig.parse({
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      integrity: { sealIntervalSeconds: 1 },
      tenants: [{ id: 'acme', timezone: 'UTC', frameworks: ['pci-dss', 'soc2', 'iso27001', 'nist-800-53'] }],
    })
    const events = seedEvents({
      tenant: 'acme',
      from: FROM,
      hours: 24,
      gateways: [{ name: 'gw-a', perHour: 5 }],
      keepDays: 3650,
      prefix: 'acme',
    })
    // As the normalizer stores them: each row at its Kafka position, two partitions.
    await insertEvents(
      store,
      events.map(
        (event, i) =>
          ({ ...event, source_partition: i % 2, source_offset: Math.floor(i / 2) }) as typeof event,
      ),
    )
    // The real sealer, in three steps so that each chain has several seals.
    const sealer = createSealer({ store, key: loadSealKey(config, logger), logger, intervalSeconds: 1 })
    for (const upTo of [20, 40, 60]) {
      sealer.committed([
        { partition: 0, offset: String(upTo) },
        { partition: 1, offset: String(upTo) },
      ])
      await sealer.sealNow()
    }
    seals = await queryRows(
      store,
      `SELECT digest, seal_hash FROM ${store.database}.integrity_seals ORDER BY sealed_at, source_partition, seq`,
    )
    reports = createReports({
      config,
      store,
      logger,
      selfAudit: noAudit,
      signingKey: loadSigningKey(config, logger),
    })
  })

  afterAll(async () => {
    await store?.dispose()
  })

  it('passes over a sealed period and prints the first and last seal in the PDF, HTML, JSON and manifest', async () => {
    expect(seals).toHaveLength(6)
    const first = seals[0]!
    const last = seals[seals.length - 1]!
    const { dir, json, check } = await generate()
    expect(check.status).toBe('pass')
    expect(check.summary).toBe(
      'all 6 seals of the period verify; no sealed row was changed, deleted or added',
    )
    expect(json.compliance.auditTrail).toMatchObject({
      verified: true,
      seals: 6,
      firstSeal: { digest: first.digest },
    })
    const pci = json.frameworks.find((f) => f.framework === 'pci-dss')!
    expect(pci.controls.find((c) => c.id === '10.3.2')?.status).toBe('pass')

    const pdf = execFileSync('pdftotext', ['-raw', path.join(dir, 'report.pdf'), '-'], { encoding: 'utf8' })
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8')
    for (const hex of [first.digest, first.seal_hash, last.digest, last.seal_hash]) {
      expect(pdf.replace(/\s+/g, '')).toContain(hex)
      expect(html).toContain(hex)
    }

    const signed = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as SignedManifest
    expect(signed.manifest.audit_trail).toMatchObject({
      status: 'pass',
      seals: 6,
      first_seal: { digest: first.digest, seal_hash: first.seal_hash },
      last_seal: { digest: last.digest, seal_hash: last.seal_hash },
    })
    const verified = await verifyReportFiles(path.join(dir, 'manifest.json'), {
      trusted: loadSigningKey(config, logger).publicKey,
    })
    expect(verified.problems).toEqual([])
  })

  it('fails the next report after a row was rewritten in the store, naming its event id', async () => {
    await store.client.command({
      query: `ALTER TABLE ${store.database}.audit_events UPDATE status = 'success' WHERE event_id = {id:String}`,
      query_params: { id: 'acme-20' },
      clickhouse_settings: { mutations_sync: '2' },
    })
    const { dir, check } = await generate()
    expect(check.status).toBe('fail')
    const changed = check.evidence.find((line) => line.startsWith('CHANGED seal acme/p0#'))
    expect(changed).toContain('event ids (1): acme-20')
    const signed = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as SignedManifest
    expect(signed.manifest.audit_trail?.status).toBe('fail')
    const pdf = execFileSync('pdftotext', ['-layout', path.join(dir, 'report.pdf'), '-'], {
      encoding: 'utf8',
    })
    expect(pdf).toMatch(/FAIL\s+Audit trail integrity/)
    expect(pdf).toContain('acme-20')
  })
})
