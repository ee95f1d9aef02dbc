import type PDFDocument from 'pdfkit'
import type { Check } from './check.js'
import type { Locale } from '../../schemas/locale.js'
import { formatCell, tickStep, type Chart, type DocumentChrome, type ReportTable } from './document.js'
import { formatMessage } from './i18n/format.js'
import type { Fonts } from './pdf-fonts.js'

/** Drawing primitives of the PDF: paginated tables, vector charts, check cards. */

export const PALETTE = {
  primary: '#1f4e79',
  accent: '#2e86c1',
  text: '#1c2833',
  muted: '#5d6d7e',
  line: '#d5dbe1',
  zebra: '#f4f6f8',
  pass: '#1e8449',
  warn: '#b9770e',
  fail: '#c0392b',
}

export interface Canvas {
  doc: PDFDocument
  fonts: Fonts
  /** Labels in the report's language (status words, "continued", "no rows"). */
  chrome: DocumentChrome
  locale: Locale
  left: number
  width: number
  bottom: number
  /** Starts a new page; called whenever the next piece does not fit. */
  newPage: () => void
}

export function ensureSpace(canvas: Canvas, height: number): void {
  if (canvas.doc.y + height > canvas.bottom) canvas.newPage()
}

function textIn(
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  width: number,
  options: { bold?: boolean; size: number; color: string; align?: 'left' | 'right' | 'center' },
): void {
  const { doc, fonts } = canvas
  doc.font(fonts.pick(text, options.bold), options.size).fillColor(options.color)
  doc.text(text, x, y, { width, align: options.align ?? 'left', lineBreak: true })
}

function cellHeight(canvas: Canvas, text: string, width: number, size: number, bold = false): number {
  const { doc, fonts } = canvas
  doc.font(fonts.pick(text, bold), size)
  return doc.heightOfString(text || ' ', { width })
}

const TABLE_FONT = 8.5
const PAD = 4

/** A table whose rows are never cut: a row that does not fit starts a new page under a repeated header. */
export function drawTable(canvas: Canvas, table: ReportTable): void {
  const { doc } = canvas
  const total = table.columns.reduce((sum, c) => sum + (c.width ?? 1), 0)
  const widths = table.columns.map((c) => ((c.width ?? 1) / total) * canvas.width)
  const xs = widths.map((_, i) => canvas.left + widths.slice(0, i).reduce((a, b) => a + b, 0))

  const titleHeight = cellHeight(canvas, table.title, canvas.width, 10.5, true) + 4
  const headerHeight =
    Math.max(
      ...table.columns.map((c, i) => cellHeight(canvas, c.label, widths[i]! - 2 * PAD, TABLE_FONT, true)),
    ) +
    2 * PAD
  const rowHeights = table.rows.map(
    (row) =>
      Math.max(
        ...row.map((cell, i) => cellHeight(canvas, formatCell(cell), widths[i]! - 2 * PAD, TABLE_FONT)),
      ) +
      2 * PAD,
  )
  // The title, the header and the first rows stay together (no orphaned header at a page end).
  ensureSpace(canvas, titleHeight + headerHeight + (rowHeights.slice(0, 3).reduce((a, b) => a + b, 0) || 16))
  textIn(canvas, table.title, canvas.left, doc.y, canvas.width, {
    bold: true,
    size: 10.5,
    color: PALETTE.primary,
  })
  doc.y += 4

  const header = () => {
    const y = doc.y
    doc.rect(canvas.left, y, canvas.width, headerHeight).fill(PALETTE.primary)
    table.columns.forEach((column, i) => {
      textIn(canvas, column.label, xs[i]! + PAD, y + PAD, widths[i]! - 2 * PAD, {
        bold: true,
        size: TABLE_FONT,
        color: '#ffffff',
        align: column.align ?? 'left',
      })
    })
    doc.y = y + headerHeight
  }
  if (table.rows.length === 0) {
    header()
    textIn(canvas, table.empty ?? canvas.chrome.noRows, canvas.left + PAD, doc.y + PAD, canvas.width, {
      size: TABLE_FONT,
      color: PALETTE.muted,
    })
    doc.y += 14 + PAD
    return
  }
  header()
  table.rows.forEach((row, r) => {
    const height = rowHeights[r]!
    if (doc.y + height > canvas.bottom) {
      canvas.newPage()
      textIn(
        canvas,
        formatMessage(canvas.chrome.continued, { title: table.title }, canvas.locale),
        canvas.left,
        doc.y,
        canvas.width,
        {
          bold: true,
          size: 9,
          color: PALETTE.muted,
        },
      )
      doc.y += 3
      header()
    }
    const y = doc.y
    if (r % 2 === 1) doc.rect(canvas.left, y, canvas.width, height).fill(PALETTE.zebra)
    row.forEach((cell, i) => {
      const text = formatCell(cell)
      const { status } = canvas.chrome
      const color =
        text === status.fail
          ? PALETTE.fail
          : text === status.warn
            ? PALETTE.warn
            : text === status.pass
              ? PALETTE.pass
              : PALETTE.text
      textIn(canvas, text, xs[i]! + PAD, y + PAD, widths[i]! - 2 * PAD, {
        size: TABLE_FONT,
        color,
        align: table.columns[i]?.align ?? 'left',
        bold: color !== PALETTE.text,
      })
    })
    doc
      .moveTo(canvas.left, y + height)
      .lineTo(canvas.left + canvas.width, y + height)
      .lineWidth(0.4)
      .stroke(PALETTE.line)
    doc.y = y + height
  })
  doc.y += 12
}

/** Bars or lines with a labelled y axis and a legend, drawn as vectors. */
export function drawChart(canvas: Canvas, chart: Chart): void {
  const { doc } = canvas
  const height = 190
  ensureSpace(canvas, height + 30)
  textIn(canvas, chart.title, canvas.left, doc.y, canvas.width, {
    bold: true,
    size: 10.5,
    color: PALETTE.primary,
  })
  const top = doc.y + 6
  const plot = { x: canvas.left + 44, y: top, w: canvas.width - 50, h: height - 50 }
  const dataMax = Math.max(0, ...chart.series.flatMap((s) => s.values))
  const step = tickStep(dataMax)
  const max = Math.max(step, Math.ceil(dataMax / step) * step)
  const yOf = (v: number) => plot.y + plot.h - (v / max) * plot.h
  for (let value = 0; value <= max + step / 2; value += step) {
    doc
      .moveTo(plot.x, yOf(value))
      .lineTo(plot.x + plot.w, yOf(value))
      .lineWidth(0.4)
      .stroke(PALETTE.line)
    textIn(
      canvas,
      formatCell(Number.isInteger(value) ? value : Math.round(value * 10) / 10),
      canvas.left,
      yOf(value) - 4,
      40,
      { size: 7, color: PALETTE.muted, align: 'right' },
    )
  }
  const n = Math.max(1, chart.labels.length)
  const slot = plot.w / n
  doc.font(canvas.fonts.body, 6.5)
  const widest = Math.max(1, ...chart.labels.map((label) => doc.widthOfString(label)))
  const every = Math.max(1, Math.ceil((widest + 8) / slot))
  chart.labels.forEach((label, i) => {
    if (i % every !== 0) return
    const box = Math.min(slot * every, 120)
    textIn(canvas, label, plot.x + slot * i + slot / 2 - box / 2, plot.y + plot.h + 4, box, {
      size: 6.5,
      color: PALETTE.muted,
      align: 'center',
    })
  })
  chart.series.forEach((series, s) => {
    if (chart.kind === 'bars') {
      const barW = Math.min(28, Math.max(0.8, (slot * 0.75) / chart.series.length))
      const offset = (slot - barW * chart.series.length) / 2
      series.values.forEach((v, i) => {
        const x = plot.x + slot * i + offset + barW * s
        if (v > 0) doc.rect(x, yOf(v), barW, plot.y + plot.h - yOf(v)).fill(series.color)
      })
    } else {
      series.values.forEach((v, i) => {
        const x = plot.x + slot * (i + 0.5)
        if (i === 0) doc.moveTo(x, yOf(v))
        else doc.lineTo(x, yOf(v))
      })
      doc.lineWidth(1.4).stroke(series.color)
    }
    const lx = plot.x + s * 110
    const ly = plot.y + plot.h + 22
    doc.rect(lx, ly, 9, 9).fill(series.color)
    textIn(canvas, series.name, lx + 13, ly, 90, { size: 8, color: PALETTE.text })
  })
  doc
    .moveTo(plot.x, plot.y + plot.h)
    .lineTo(plot.x + plot.w, plot.y + plot.h)
    .lineWidth(0.8)
    .stroke(PALETTE.muted)
  doc.y = top + height - 10
  doc.x = canvas.left
}

/** One card per check: status badge, title, result and evidence; a card is never split. */
export function drawChecks(canvas: Canvas, checks: Check[]): void {
  const { doc } = canvas
  const inner = canvas.width - 70
  for (const check of checks) {
    const evidence = check.evidence.map((line) => `• ${line}`).join('\n')
    const height =
      cellHeight(canvas, check.title, inner, 10, true) +
      cellHeight(canvas, check.summary, inner, 9) +
      (evidence ? cellHeight(canvas, evidence, inner, 7.5) + 3 : 0) +
      14
    ensureSpace(canvas, height)
    const y = doc.y
    const color = PALETTE[check.status]
    doc.rect(canvas.left, y, 3, height - 6).fill(color)
    doc.roundedRect(canvas.left + 10, y + 1, 44, 14, 3).fill(color)
    textIn(canvas, canvas.chrome.status[check.status], canvas.left + 10, y + 4, 44, {
      bold: true,
      size: 7.5,
      color: '#ffffff',
      align: 'center',
    })
    const x = canvas.left + 62
    textIn(canvas, check.title, x, y + 1, inner, { bold: true, size: 10, color: PALETTE.text })
    textIn(canvas, check.summary, x, doc.y + 1, inner, { size: 9, color: PALETTE.text })
    if (evidence) textIn(canvas, evidence, x, doc.y + 2, inner, { size: 7.5, color: PALETTE.muted })
    doc.y = y + height
  }
  doc.y += 6
}

export function drawParagraph(canvas: Canvas, text: string): void {
  const height = cellHeight(canvas, text, canvas.width, 8.5)
  ensureSpace(canvas, height + 8)
  textIn(canvas, text, canvas.left, canvas.doc.y, canvas.width, { size: 8.5, color: PALETTE.muted })
  canvas.doc.y += 8
}
