import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sampleIntegrity, sampleReportData } from '../../test/helpers/report-data.js'
import { createLogger } from '../platform/logger.js'
import { packageRoot } from '../platform/paths.js'
import { composeReport } from './compose.js'
import { documentTables } from './document.js'
import { reportText } from './i18n/index.js'
import { renderCsv } from './render-csv.js'
import { renderHtml } from './render-html.js'
import { renderPdf } from './render-pdf.js'

/**
 * The English report, text for text, as it was before the message catalogs: HTML, every CSV and
 * the PDF's text for a healthy and a troubled tenant, against files recorded from the code before
 * the change (test/fixtures/report-en/). MCP_AUDIT_UPDATE_GOLDEN=1 records them anew.
 */

const GOLDEN = path.join(packageRoot(), 'test', 'fixtures', 'report-en')
const UPDATE = process.env.MCP_AUDIT_UPDATE_GOLDEN === '1'
const logger = createLogger({ level: 'silent' })

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-golden-'))
  try {
    writeFileSync(path.join(dir, 'r.pdf'), pdf)
    // Words only: the CJK face of tenant and tool names may change the spacing, not the text.
    return execFileSync('pdftotext', [path.join(dir, 'r.pdf'), '-'], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean)
      .join(' ')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function renderEnglish(troubled: boolean) {
  const data = sampleReportData(troubled)
  const { checks, frameworks, document } = composeReport(data, sampleIntegrity(troubled), reportText('en'))
  return {
    'report.html': renderHtml(document),
    'tables.csv': documentTables(document)
      .map((table) => `## ${table.id}.csv\n${renderCsv(table)}`)
      .join('\n'),
    'checks.json': `${JSON.stringify({ checks, frameworks }, null, 2)}\n`,
    'report.pdf.txt': `${pdfText(await renderPdf(document, logger))}\n`,
  }
}

describe('the English report', () => {
  for (const troubled of [false, true]) {
    const variant = troubled ? 'troubled' : 'healthy'
    it(`renders the ${variant} tenant exactly as before`, async () => {
      const files = await renderEnglish(troubled)
      const dir = path.join(GOLDEN, variant)
      if (UPDATE) mkdirSync(dir, { recursive: true })
      for (const [name, text] of Object.entries(files)) {
        const file = path.join(dir, name)
        if (UPDATE) writeFileSync(file, text)
        expect(text, `${variant}/${name}`).toBe(readFileSync(file, 'utf8'))
      }
    })
  }
})
