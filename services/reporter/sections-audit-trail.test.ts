import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../platform/logger.js'
import type { AuditTrailFacts, ReportData } from './data.js'
import type { ReportDocument } from './document.js'
import { renderHtml } from './render-html.js'
import { renderPdf } from './render-pdf.js'
import { reportText } from './i18n/index.js'
import { auditTrailEvidence } from './sections-audit-trail.js'

const FIRST_DIGEST = `${'0a1b2c3d'.repeat(8)}`
const LAST_HASH = `${'9f8e7d6c'.repeat(8)}`

const seal = (seq: number, digest: string, sealHash: string) => ({
  tenantId: 'acme',
  partition: 1,
  epoch: 0,
  seq,
  digest,
  sealHash,
  sealedAt: '2026-11-01T10:00:00.000Z',
  rowCount: 40,
  keyId: '3f2a9c0d1e2b4a5c',
})

/** The fields the evidence reads; the rest of a report's figures do not matter here. */
function documentData(trail: AuditTrailFacts): ReportData {
  return {
    tenant: { id: 'acme' },
    period: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' },
    compliance: { auditTrail: trail },
  } as ReportData
}

function documentOf(trail: AuditTrailFacts): ReportDocument {
  return {
    locale: 'en',
    title: 'Daily report',
    tenant: 'acme',
    periodLabel: '2026-11-01',
    timezone: 'UTC',
    generated: '2026-11-02 06:00',
    generatedBy: 'scheduler',
    reportId: 'rpt_test',
    keyId: 'abc',
    frameworks: [],
    highlights: [],
    checkCounts: { pass: 1, warn: 0, fail: 0 },
    sections: [
      {
        id: 'evidence',
        title: 'Evidence',
        blocks: auditTrailEvidence(documentData(trail), reportText('en')),
      },
    ],
  }
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-pdf-'))
  try {
    writeFileSync(path.join(dir, 'r.pdf'), pdf)
    return execFileSync('pdftotext', ['-raw', path.join(dir, 'r.pdf'), '-'], { encoding: 'utf8' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('the sealed audit trail in the evidence section', () => {
  const sealed: AuditTrailFacts = {
    verified: true,
    keyId: '3f2a9c0d1e2b4a5c',
    seals: 9,
    rows: 360,
    expired: 0,
    problems: [],
    firstSeal: seal(0, FIRST_DIGEST, 'e'.repeat(64)),
    lastSeal: seal(8, 'd'.repeat(64), LAST_HASH),
  }

  it('prints the first and last seal, whole digests and seal hashes, in the PDF and the HTML', async () => {
    const document = documentOf(sealed)
    const text = pdfText(await renderPdf(document, createLogger({ level: 'silent' }))).replace(/\s+/g, '')
    const html = renderHtml(document)
    for (const expected of [FIRST_DIGEST, LAST_HASH, 'acme/p1#0', 'acme/p1#8']) {
      expect(text).toContain(expected)
      expect(html).toContain(expected)
    }
    expect(html).toContain('mcp-audit verify-store --tenant acme --from 2026-11-01T00:00:00.000Z')
  })

  it('says why there is no seal to show', () => {
    const [unverified] = auditTrailEvidence(
      documentData({ verified: false, reason: 'no seal public key yet' }),
      reportText('en'),
    )
    expect(unverified).toMatchObject({
      table: { rows: [], empty: 'The audit trail was not verified: no seal public key yet.' },
    })
    const [unsealed] = auditTrailEvidence(
      documentData({ ...sealed, seals: 0, firstSeal: null, lastSeal: null }),
      reportText('en'),
    )
    expect(unsealed).toMatchObject({ table: { rows: [], empty: 'No seal covers the period yet.' } })
  })
})
