import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sampleIntegrity, sampleReportData } from '../../test/helpers/report-data.js'
import { createLogger } from '../platform/logger.js'
import { evaluateChecks } from './checks.js'
import { composeReport } from './compose.js'
import { documentTables } from './document.js'
import { FRAMEWORKS } from './frameworks.js'
import { CATALOGS, reportText } from './i18n/index.js'
import { renderCsv } from './render-csv.js'
import { renderHtml } from './render-html.js'
import { renderPdf } from './render-pdf.js'

const logger = createLogger({ level: 'silent' })
const CJK = /[\u4e00-\u9fff]/
const zh = CATALOGS['zh-CN']

/** Every string leaf of a catalog, by dotted key. */
function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  if (typeof node === 'string') out.set(prefix, node)
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      for (const [k, v] of leaves(value, prefix ? `${prefix}.${key}` : key)) out.set(k, v)
    }
  }
  return out
}

/**
 * The checks a report can produce: both sample tenants, and one whose trail and store could not be
 * verified, with no residency policy, calls of unknown TLS, a remote broker in clear and no calls
 * to judge access by.
 */
function producedChecks(locale: 'en' | 'zh-CN') {
  const unverified = sampleReportData(false)
  unverified.compliance.auditTrail = { verified: false, reason: 'no seal key yet' }
  const { residency, transport, storageEncryption } = unverified.compliance
  unverified.compliance.residency = { ...residency, allowedRegions: null }
  unverified.compliance.transport = {
    ...transport,
    tlsCalls: 12_000,
    unknownCalls: 480,
    unknownServers: [{ server: 'mcpx-hub', calls: 480 }],
  }
  unverified.compliance.storageEncryption = {
    ...storageEncryption,
    store: { mode: 'server', location: 'https://ch.internal:8443', verified: false, reason: 'ACCESS_DENIED' },
    kafka: { ...storageEncryption.kafka, brokers: ['kafka-1.internal:9092'] },
  }
  unverified.access = { ...unverified.access, calls: 0 }
  return [
    [sampleReportData(false), sampleIntegrity(false)],
    [sampleReportData(true), sampleIntegrity(true)],
    [unverified, sampleIntegrity(false)],
  ].flatMap(([data, integrity]) =>
    evaluateChecks(
      data as ReturnType<typeof sampleReportData>,
      integrity as ReturnType<typeof sampleIntegrity>,
      undefined,
      reportText(locale),
    ),
  )
}

/** The literal parts of every English message (placeholders removed): none may show up in Chinese. */
function englishFragments(): string[] {
  return (
    [...leaves(CATALOGS.en).values()]
      .flatMap((message) => message.split(/\{[^{}]*\}|\{[^{}]*\{[^{}]*\}[^{}]*\}/))
      .map((fragment) => fragment.trim())
      // Commands (`mcp-audit report verify …`) stay as they are typed.
      .filter(
        (fragment) => fragment.length >= 12 && /[a-z]{4}/.test(fragment) && !fragment.startsWith('mcp-audit'),
      )
  )
}

function pdfPages(pdf: Buffer): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-zh-'))
  try {
    writeFileSync(path.join(dir, 'r.pdf'), pdf)
    return execFileSync('pdftotext', ['-layout', path.join(dir, 'r.pdf'), '-'], { encoding: 'utf8' })
      .split('\f')
      .filter((page) => page.trim())
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('the zh-CN catalog', () => {
  it('has a Chinese entry for every check a report produces, and every English key', () => {
    const ids = [...new Set(producedChecks('en').map((check) => check.id))]
    expect(ids.length).toBeGreaterThan(10)
    const missing = ids.filter((id) => !(id in zh.checks))
    expect(missing, 'checks without a zh-CN entry in i18n/checks-zh-CN.ts').toEqual([])
    const english = leaves(CATALOGS.en.checks)
    const chinese = leaves(zh.checks)
    expect([...english.keys()].filter((key) => !chinese.has(key))).toEqual([])
    expect([...leaves(CATALOGS.en.report).keys()].filter((key) => !leaves(zh.report).has(key))).toEqual([])
  })

  it('writes every check title and result in Chinese, and no evidence line as in English', () => {
    const english = producedChecks('en')
    const fragments = englishFragments()
    producedChecks('zh-CN').forEach((check, index) => {
      expect(check.title, check.id).toMatch(CJK)
      expect(check.summary, check.id).toMatch(CJK)
      const same = check.evidence.filter((line) => english[index]!.evidence.includes(line))
      expect(same, check.id).toEqual([])
      const written = [check.summary, ...check.evidence].join('\n')
      expect(
        fragments.filter((fragment) => written.includes(fragment)),
        check.id,
      ).toEqual([])
    })
  })

  it('names every framework and control in Chinese', () => {
    for (const [framework, info] of Object.entries(FRAMEWORKS)) {
      const text = zh.frameworks?.[framework as keyof typeof FRAMEWORKS]
      expect(text?.title, framework).toMatch(CJK)
      for (const control of info.controls)
        expect(text?.controls[control.id], `${framework} ${control.id}`).toMatch(CJK)
    }
  })
})

describe('a zh-CN report', () => {
  it('reads in Chinese on every PDF page, in the HTML and in the CSV headers, with no English sentence left', async () => {
    const data = sampleReportData(true, 'zh-CN')
    data.tenant.frameworks = ['mlps-2.0', 'pipl', 'pci-dss']
    const { document } = composeReport(data, sampleIntegrity(true), reportText('zh-CN'))
    const pages = pdfPages(await renderPdf(document, logger))
    expect(pages.length).toBeGreaterThan(5)
    pages.forEach((page, index) => {
      expect(page, `page ${index + 1}`).toMatch(CJK)
      expect(page).toContain(`第 ${index + 1} 页，共 ${pages.length} 页`)
    })
    expect(pages[0]).toMatch(/租户：acme[\s\S]*2026年11月1日 00:00 至 2026年11月2日 00:00（Asia\/Shanghai）/)
    expect(pages[1]).toContain('目录')
    const pdf = pages.join('\n')
    expect(pdf).toContain('等保2.0（GB/T 22239-2019）第三级 安全审计')
    expect(pdf).toContain('《个人信息保护法》')

    const html = renderHtml(document)
    expect(html).toContain('<html lang="zh-CN">')
    const csv = documentTables(document).map(renderCsv)
    for (const table of csv)
      expect(table.split('\r\n')[0]!.replace('\uFEFF', ''), table.slice(0, 40)).toMatch(/[\u4e00-\u9fff#p]/)

    const fragments = englishFragments()
    expect(fragments.length).toBeGreaterThan(100)
    const visible = `${pdf.replace(/\s+/g, ' ')}\n${html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')}\n${csv.join('\n')}`
    expect(fragments.filter((fragment) => visible.includes(fragment))).toEqual([])
  })

  it('formats dates and the time zone the Chinese way', () => {
    const text = reportText('zh-CN')
    expect(text.dateTime(new Date('2026-10-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2026年11月1日 00:00')
    expect(text.zoneName('Asia/Shanghai', new Date('2026-11-01T00:00:00Z'))).toBe('中国标准时间')
  })
})
