import { readFileSync } from 'node:fs'
import path from 'node:path'
import Handlebars from 'handlebars'
import { packageRoot } from '../platform/paths.js'
import {
  documentChrome,
  formatCell,
  tickStep,
  type Cell,
  type Chart,
  type DocumentChrome,
  type ReportDocument,
} from './document.js'

/**
 * HTML with the templates in `reports/`, through an isolated Handlebars instance so our helpers
 * never leak into (or collide with) another user of the library. Charts are inline SVG.
 */

export function templatesDir(): string {
  return path.join(packageRoot(), 'reports')
}

function svgChart(chart: Chart): string {
  const width = 720
  const height = 220
  const pad = { left: 56, right: 12, top: 14, bottom: 40 }
  const plotW = width - pad.left - pad.right
  const plotH = height - pad.top - pad.bottom
  const dataMax = Math.max(0, ...chart.series.flatMap((s) => s.values))
  const step = tickStep(dataMax)
  const max = Math.max(step, Math.ceil(dataMax / step) * step)
  const y = (v: number) => pad.top + plotH - (v / max) * plotH
  const esc = Handlebars.escapeExpression
  const parts: string[] = []
  for (let value = 0; value <= max + step / 2; value += step) {
    parts.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e8ec"/>`,
      `<text x="${pad.left - 6}" y="${y(value) + 4}" text-anchor="end" class="axis">${esc(formatCell(Number.isInteger(value) ? value : Math.round(value * 10) / 10))}</text>`,
    )
  }
  const n = Math.max(1, chart.labels.length)
  const slot = plotW / n
  const every = Math.max(1, Math.ceil((n * 70) / plotW))
  chart.labels.forEach((label, i) => {
    if (i % every === 0) {
      parts.push(
        `<text x="${pad.left + slot * (i + 0.5)}" y="${height - pad.bottom + 16}" text-anchor="middle" class="axis">${esc(label.length > 14 ? `${label.slice(0, 13)}…` : label)}</text>`,
      )
    }
  })
  chart.series.forEach((series, s) => {
    if (chart.kind === 'bars') {
      const barW = Math.min(40, (slot * 0.8) / chart.series.length)
      const offset = (slot - barW * chart.series.length) / 2
      series.values.forEach((v, i) => {
        const x = pad.left + slot * i + offset + barW * s
        parts.push(
          `<rect x="${x}" y="${y(v)}" width="${barW}" height="${pad.top + plotH - y(v)}" fill="${series.color}"><title>${esc(chart.labels[i] ?? '')}: ${v}</title></rect>`,
        )
      })
    } else {
      const points = series.values.map((v, i) => `${pad.left + slot * (i + 0.5)},${y(v)}`).join(' ')
      parts.push(`<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2"/>`)
    }
    parts.push(
      `<rect x="${pad.left + s * 110}" y="${height - 14}" width="10" height="10" fill="${series.color}"/><text x="${pad.left + 14 + s * 110}" y="${height - 5}" class="axis">${esc(series.name)}</text>`,
    )
  })
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(chart.title)}">${parts.join('')}</svg>`
}

type HtmlView = ReportDocument & { chrome: DocumentChrome }

function createRenderer(): Handlebars.TemplateDelegate<HtmlView> {
  const hbs = Handlebars.create()
  hbs.registerHelper('cell', (cell: Cell) => formatCell(cell))
  hbs.registerHelper('align', (align: unknown) => (align === 'right' ? 'num' : ''))
  hbs.registerHelper('columnAlign', (columns: Array<{ align?: string }>, index: number) =>
    columns[index]?.align === 'right' ? 'num' : '',
  )
  hbs.registerHelper('chart', (chart: Chart) => new hbs.SafeString(svgChart(chart)))
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerPartial('styles', readFileSync(path.join(templatesDir(), 'report.css'), 'utf8'))
  const source = readFileSync(path.join(templatesDir(), 'report.hbs'), 'utf8')
  return hbs.compile<HtmlView>(source)
}

let renderer: Handlebars.TemplateDelegate<HtmlView> | undefined

export function renderHtml(document: ReportDocument): string {
  renderer ??= createRenderer()
  return renderer({ ...document, chrome: documentChrome(document) })
}
