import type { Check, CheckStatus } from './check.js'
import type { ReportData } from './data.js'
import type { FrameworkSection } from './frameworks.js'
import { reportText, type ReportText } from './i18n/index.js'
import type { Locale } from '../../schemas/locale.js'

/**
 * The report as a document: sections of tables, charts and checks, built once from the figures
 * and rendered by every format (HTML, PDF, CSV), so the formats cannot disagree.
 */

export type Cell = string | number

export interface Column {
  label: string
  align?: 'left' | 'right'
  /** Relative width in the PDF. */
  width?: number
}

export interface ReportTable {
  /** File stem of the table's CSV (`top-tools` → `top-tools.csv`). */
  id: string
  title: string
  columns: Column[]
  rows: Cell[][]
  empty?: string
}

export interface Chart {
  kind: 'bars' | 'line'
  title: string
  labels: string[]
  series: Array<{ name: string; values: number[]; color: string }>
  unit?: string
}

export type Block =
  | { kind: 'table'; table: ReportTable }
  | { kind: 'chart'; chart: Chart }
  | { kind: 'checks'; checks: Check[] }
  | { kind: 'text'; text: string }

export interface Section {
  id: string
  title: string
  blocks: Block[]
}

/** Labels and sentences around the content, already in the report's language. */
export interface DocumentChrome {
  brandPdf: string
  brandHtml: string
  tenantLine: string
  tenant: string
  period: string
  timezone: string
  timezoneValue: string
  generated: string
  generatedBy: string
  reportId: string
  signingKey: string
  signingKeyPdf: string
  signingKeyHtml: string
  frameworks: string
  /** The document's frameworks as one list, or "none configured". */
  frameworksValue: string
  checks: string
  contents: string
  footerPdf: string
  footerHtml: string
  noRows: string
  status: Record<CheckStatus, string>
  badges: Record<CheckStatus, string>
  /** Messages the PDF fills in per page: `{title}`; `{page}` and `{pages}`. */
  continued: string
  page: string
}

export interface ReportDocument {
  locale: Locale
  title: string
  tenant: string
  periodLabel: string
  timezone: string
  generated: string
  generatedBy: string
  reportId: string
  keyId: string
  frameworks: string[]
  highlights: Array<{ label: string; value: string; note: string }>
  checkCounts: Record<CheckStatus, number>
  sections: Section[]
}

export const COLORS = { primary: '#1f4e79', accent: '#2e86c1', failure: '#c0392b', muted: '#7f8c8d' }

/** `+12.5%` against the previous period; `new` when there was nothing before. */
export function change(current: number, previous: number, text: ReportText): string {
  if (previous === 0) return current === 0 ? '0%' : text.report.common.change.new
  const delta = ((current - previous) / previous) * 100
  return `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}%`
}

export interface DocumentInput {
  data: ReportData
  checks: Check[]
  frameworks: FrameworkSection[]
  activitySections: Section[]
  securitySections: Section[]
  complianceSections: Section[]
  text: ReportText
}

/** The labels around a document's content, in its language; each renderer takes them from here. */
export function documentChrome(document: ReportDocument): DocumentChrome {
  const text = reportText(document.locale)
  const { cover, common } = text.report
  const badge = (status: CheckStatus) =>
    text.format(cover.badge, { count: String(document.checkCounts[status]), status: common.status[status] })
  return {
    brandPdf: cover.brandPdf,
    brandHtml: cover.brandHtml,
    tenantLine: text.format(cover.tenantLine, { tenant: document.tenant }),
    tenant: cover.tenant,
    period: cover.period,
    timezone: cover.timezone,
    timezoneValue: text.format(cover.timezoneValue, {
      zone: document.timezone,
      name: text.zoneName(document.timezone, new Date()),
    }),
    generated: cover.generated,
    generatedBy: text.format(cover.generatedBy, { date: document.generated, by: document.generatedBy }),
    reportId: cover.reportId,
    signingKey: cover.signingKey,
    signingKeyPdf: text.format(cover.signingKeyPdf, { key: document.keyId }),
    signingKeyHtml: cover.signingKeyHtml,
    frameworks: cover.frameworks,
    frameworksValue:
      document.frameworks.length > 0 ? document.frameworks.join(common.listSeparator) : cover.noFrameworks,
    checks: cover.checks,
    contents: cover.contents,
    footerPdf: text.format(cover.footerPdf, { tenant: document.tenant, report: document.reportId }),
    footerHtml: text.format(cover.footerHtml, {
      tenant: document.tenant,
      report: document.reportId,
      period: document.periodLabel,
    }),
    noRows: cover.noRows,
    status: common.status,
    badges: { pass: badge('pass'), warn: badge('warn'), fail: badge('fail') },
    continued: cover.continued,
    page: cover.page,
  }
}

/** `2026-12-01 06:00 (Asia/Shanghai)`, in the report's language. */
export function generatedLabel(instant: Date, timeZone: string, text: ReportText): string {
  return text.format(text.report.common.generated, { date: text.dateTime(instant, timeZone), zone: timeZone })
}

/** The period as the cover and report.json show it, in the report's language. */
export function periodLabel(from: Date, to: Date, timeZone: string, text: ReportText): string {
  return text.format(text.report.common.periodLabel, {
    from: text.dateTime(from, timeZone),
    to: text.dateTime(to, timeZone),
    zone: timeZone,
  })
}

export function buildDocument(input: DocumentInput): ReportDocument {
  const { data, checks, text } = input
  const { highlights: h } = text.report
  const int = text.number
  const tz = data.tenant.timezone
  const counts = { pass: 0, warn: 0, fail: 0 }
  for (const check of checks) counts[check.status] += 1
  return {
    locale: text.locale,
    title: data.name,
    tenant: data.tenant.id,
    periodLabel: data.period.label,
    timezone: tz,
    generated: generatedLabel(new Date(data.generatedAt), tz, text),
    generatedBy: data.generatedBy,
    reportId: data.reportId,
    keyId: data.signingKeyId,
    frameworks: input.frameworks.map((f) => f.title),
    highlights: [
      {
        label: h.calls,
        value: int(data.summary.calls),
        note: text.format(h.callsNote, { change: change(data.summary.calls, data.previous.calls, text) }),
      },
      { label: h.users, value: int(data.summary.users), note: h.usersNote },
      {
        label: h.errorRate,
        value: text.pct(data.summary.errorRate),
        note: text.format(h.errorRateNote, { failures: data.summary.failures }),
      },
      {
        label: h.alerts,
        value: int(data.security.alertsBySeverity.reduce((n, r) => n + r.alerts, 0)),
        note: text.format(h.alertsNote, {
          open: String(data.security.incidents.filter((i) => i.status === 'open').length),
        }),
      },
      {
        label: h.checks,
        value: text.format(h.checksValue, { pass: String(counts.pass), total: String(checks.length) }),
        note: text.format(h.checksNote, { fail: String(counts.fail), warn: String(counts.warn) }),
      },
    ],
    checkCounts: counts,
    sections: [...input.activitySections, ...input.securitySections, ...input.complianceSections],
  }
}

/** Every table of the document, in order: one CSV each. */
export function documentTables(document: ReportDocument): ReportTable[] {
  return document.sections.flatMap((section) =>
    section.blocks.flatMap((block) => (block.kind === 'table' ? [block.table] : [])),
  )
}

/** A round tick step giving about five ticks; whole numbers for counts. */
export function tickStep(max: number): number {
  if (max <= 0) return 1
  const rough = max / 5
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 5, 10].find((s) => s * magnitude >= rough) ?? 10) * magnitude
  return max >= 1 ? Math.max(1, step) : step
}

export function formatCell(cell: Cell): string {
  return typeof cell === 'number'
    ? Number.isInteger(cell)
      ? cell.toLocaleString('en-US')
      : cell.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })
    : cell
}
