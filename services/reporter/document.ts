import type { Check, CheckStatus } from './check.js'
import type { ReportData } from './data.js'
import type { FrameworkSection } from './frameworks.js'
import { formatLocal } from './period.js'

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

export interface ReportDocument {
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

const int = (n: number) => n.toLocaleString('en-US')
const pct = (share: number) => `${(share * 100).toFixed(2)}%`

/** `+12.5%` against the previous period; `new` when there was nothing before. */
export function change(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '0%' : 'new'
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
}

export function buildDocument(input: DocumentInput): ReportDocument {
  const { data, checks } = input
  const tz = data.tenant.timezone
  const counts = { pass: 0, warn: 0, fail: 0 }
  for (const check of checks) counts[check.status] += 1
  return {
    title: data.name,
    tenant: data.tenant.id,
    periodLabel: data.period.label,
    timezone: tz,
    generated: `${formatLocal(new Date(data.generatedAt), tz)} (${tz})`,
    generatedBy: data.generatedBy,
    reportId: data.reportId,
    keyId: data.signingKeyId,
    frameworks: input.frameworks.map((f) => f.title),
    highlights: [
      {
        label: 'Calls',
        value: int(data.summary.calls),
        note: `${change(data.summary.calls, data.previous.calls)} vs previous`,
      },
      { label: 'Unique users', value: int(data.summary.users), note: 'pseudonymized' },
      {
        label: 'Error rate',
        value: pct(data.summary.errorRate),
        note: `${int(data.summary.failures)} failed calls`,
      },
      {
        label: 'Alerts',
        value: int(data.security.alertsBySeverity.reduce((n, r) => n + r.alerts, 0)),
        note: `${data.security.incidents.filter((i) => i.status === 'open').length} open`,
      },
      {
        label: 'Checks',
        value: `${counts.pass} / ${checks.length}`,
        note: `${counts.fail} fail, ${counts.warn} warn`,
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
      ? int(cell)
      : cell.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })
    : cell
}
