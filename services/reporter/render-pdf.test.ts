import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../platform/logger.js'
import type { ReportDocument } from './document.js'
import { registerFonts } from './pdf-fonts.js'
import { renderPdf } from './render-pdf.js'

const logger = createLogger({ level: 'silent' })

function pages(pdf: Buffer): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-pdf-'))
  try {
    const file = path.join(dir, 'r.pdf')
    writeFileSync(file, pdf)
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function document(rows: number): ReportDocument {
  return {
    locale: 'en',
    title: 'Monthly report',
    tenant: '示例租户',
    periodLabel: '2026-11-01 00:00 – 2026-12-01 00:00 (Asia/Shanghai)',
    timezone: 'Asia/Shanghai',
    generated: '2026-12-01 06:00',
    generatedBy: 'scheduler',
    reportId: 'rpt_test',
    keyId: 'abc',
    frameworks: [],
    highlights: [{ label: 'Calls', value: '1', note: '' }],
    checkCounts: { pass: 1, warn: 0, fail: 0 },
    sections: [
      {
        id: 'big',
        title: 'A long table',
        blocks: [
          {
            kind: 'table',
            table: {
              id: 'rows',
              title: 'Rows',
              columns: [{ label: 'Row id' }, { label: 'Tool', width: 3 }, { label: 'Calls', align: 'right' }],
              rows: Array.from({ length: rows }, (_, i) => [
                `row-${i}`,
                i % 10 === 0
                  ? `工具 ${i} with a name long enough to wrap onto a second line of its cell`
                  : `tool-${i}`,
                i * 3,
              ]),
            },
          },
        ],
      },
    ],
  }
}

describe('renderPdf', () => {
  it('paginates a long table with its header on every page and never cuts a row', async () => {
    const text = pages(await renderPdf(document(300), logger)).filter((page) => page.trim())
    expect(text.length).toBeGreaterThan(5)
    expect(text[0]).toContain('示例租户')
    expect(text[1]).toMatch(/Contents[\s\S]*A long table\s+3/)
    const tablePages = text.slice(2)
    for (const page of tablePages) expect(page).toMatch(/Row id\s+Tool\s+Calls/)
    expect(tablePages.slice(1).every((page) => page.includes('Rows (continued)'))).toBe(true)
    const all = tablePages.join('\n')
    for (let i = 0; i < 300; i += 1) {
      expect(all.match(new RegExp(`row-${i}\\s`, 'g'))?.length, `row-${i}`).toBe(1)
    }
    text.forEach((page, index) => expect(page).toContain(`Page ${index + 1} of ${text.length}`))
  })

  it('falls back to Helvetica with a warning when the font files are missing', () => {
    const warn = vi.fn()
    const fake = { warn } as unknown as typeof logger
    const fonts = registerFonts(new PDFDocument(), fake, {
      body: '/nope/a.ttf',
      bold: '/nope/b.ttf',
      cjk: '/nope/c.ttc',
    })
    expect(fonts.pick('abc')).toBe('Helvetica')
    expect(fonts.pick('读取', true)).toBe('Helvetica-Bold')
    expect(warn).toHaveBeenCalledWith(
      { missing: ['/nope/a.ttf', '/nope/b.ttf', '/nope/c.ttc'] },
      'report_fonts_missing',
    )
  })
})
