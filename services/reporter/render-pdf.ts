import PDFDocument from 'pdfkit'
import type { Logger } from '../platform/logger.js'
import { documentChrome, type DocumentChrome, type ReportDocument, type Section } from './document.js'
import { formatMessage } from './i18n/format.js'
import { drawChart, drawChecks, drawParagraph, drawTable, PALETTE, type Canvas } from './pdf-blocks.js'
import { fontFiles, registerFonts, type Fonts } from './pdf-fonts.js'

/**
 * The PDF: a cover (tenant, period, time zone, key figures), a table of contents with page
 * numbers and links, the sections, and a footer with page numbers on every page. Pages are
 * buffered so the contents and footers can be written once the page count is known.
 */

const MARGIN = { top: 56, bottom: 56, left: 50, right: 50 }

function drawCover(doc: PDFDocument, fonts: Fonts, document: ReportDocument, chrome: DocumentChrome): void {
  const width = doc.page.width
  doc.rect(0, 0, width, 230).fill(PALETTE.primary)
  doc
    .font(fonts.pick(chrome.brandPdf), 10)
    .fillColor('#aed6f1')
    .text(chrome.brandPdf, MARGIN.left, 70, { characterSpacing: 1.5 })
  doc
    .font(fonts.pick(document.title, true), 26)
    .fillColor('#ffffff')
    .text(document.title, MARGIN.left, 95, { width: width - 100 })
  doc
    .font(fonts.pick(chrome.tenantLine, true), 15)
    .fillColor('#ffffff')
    .text(chrome.tenantLine, MARGIN.left, doc.y + 8, { width: width - 100 })
  doc
    .font(fonts.pick(document.periodLabel), 11)
    .fillColor('#d6eaf8')
    .text(document.periodLabel, MARGIN.left, doc.y + 4, { width: width - 100 })

  const facts: Array<[string, string]> = [
    [chrome.period, document.periodLabel],
    [chrome.timezone, chrome.timezoneValue],
    [chrome.generated, chrome.generatedBy],
    [chrome.reportId, document.reportId],
    [chrome.signingKey, chrome.signingKeyPdf],
    [chrome.frameworks, chrome.frameworksValue],
  ]
  let y = 260
  for (const [label, value] of facts) {
    doc.font(fonts.pick(label, true), 9.5).fillColor(PALETTE.muted).text(label, MARGIN.left, y, { width: 90 })
    doc
      .font(fonts.pick(value), 9.5)
      .fillColor(PALETTE.text)
      .text(value, MARGIN.left + 95, y, { width: width - 195 })
    y = Math.max(doc.y, y + 14) + 5
  }

  const cards = document.highlights
  const gap = 10
  const cardW = (width - MARGIN.left - MARGIN.right - gap * (cards.length - 1)) / cards.length
  const top = y + 24
  cards.forEach((card, i) => {
    const x = MARGIN.left + i * (cardW + gap)
    doc.roundedRect(x, top, cardW, 74, 5).fillAndStroke('#f4f6f8', PALETTE.line)
    doc
      .font(fonts.pick(card.label), 8)
      .fillColor(PALETTE.muted)
      .text(card.label.toUpperCase(), x + 8, top + 9, { width: cardW - 16 })
    doc
      .font(fonts.pick(card.value, true), 16)
      .fillColor(PALETTE.primary)
      .text(card.value, x + 8, top + 24, { width: cardW - 16 })
    doc
      .font(fonts.pick(card.note), 7.5)
      .fillColor(PALETTE.muted)
      .text(card.note, x + 8, top + 50, { width: cardW - 16 })
  })
  const badges: Array<[string, string]> = [
    [chrome.badges.pass, PALETTE.pass],
    [chrome.badges.warn, PALETTE.warn],
    [chrome.badges.fail, PALETTE.fail],
  ]
  let x = MARGIN.left
  const badgeY = top + 100
  doc
    .font(fonts.pick(chrome.checks, true), 10)
    .fillColor(PALETTE.text)
    .text(chrome.checks, x, badgeY + 3)
  x += 120
  for (const [label, color] of badges) {
    doc.roundedRect(x, badgeY, 78, 20, 4).fill(color)
    doc
      .font(fonts.pick(label, true), 9.5)
      .fillColor('#ffffff')
      .text(label, x, badgeY + 5, { width: 78, align: 'center' })
    x += 88
  }
}

function drawSection(canvas: Canvas, section: Section): void {
  const { doc, fonts } = canvas
  doc.addNamedDestination(section.id)
  doc
    .font(fonts.pick(section.title, true), 16)
    .fillColor(PALETTE.primary)
    .text(section.title, canvas.left, doc.y, { width: canvas.width })
  const lineY = doc.y + 3
  doc
    .moveTo(canvas.left, lineY)
    .lineTo(canvas.left + canvas.width, lineY)
    .lineWidth(1.2)
    .stroke(PALETTE.accent)
  doc.y = lineY + 12
  for (const block of section.blocks) {
    if (block.kind === 'table') drawTable(canvas, block.table)
    else if (block.kind === 'chart') drawChart(canvas, block.chart)
    else if (block.kind === 'checks') drawChecks(canvas, block.checks)
    else drawParagraph(canvas, block.text)
  }
}

function drawContents(
  doc: PDFDocument,
  fonts: Fonts,
  entries: Array<{ section: Section; page: number }>,
  chrome: DocumentChrome,
): void {
  doc
    .font(fonts.pick(chrome.contents, true), 18)
    .fillColor(PALETTE.primary)
    .text(chrome.contents, MARGIN.left, MARGIN.top)
  let y = doc.y + 16
  const width = doc.page.width - MARGIN.left - MARGIN.right
  entries.forEach(({ section, page }, index) => {
    const label = `${index + 1}.  ${section.title}`
    doc
      .font(fonts.pick(label), 11)
      .fillColor(PALETTE.text)
      .text(label, MARGIN.left, y, { width: width - 40, goTo: section.id, lineBreak: false })
    doc
      .font(fonts.body, 11)
      .fillColor(PALETTE.text)
      .text(String(page), MARGIN.left + width - 40, y, { width: 40, align: 'right', goTo: section.id })
    doc
      .moveTo(MARGIN.left, y + 16)
      .lineTo(MARGIN.left + width, y + 16)
      .lineWidth(0.3)
      .dash(1, { space: 2 })
      .stroke(PALETTE.line)
    doc.undash()
    y += 24
  })
}

function drawFooters(doc: PDFDocument, fonts: Fonts, document: ReportDocument, chrome: DocumentChrome): void {
  const { count } = doc.bufferedPageRange()
  for (let i = 0; i < count; i += 1) {
    doc.switchToPage(i)
    const bottomMargin = doc.page.margins.bottom
    // Writing inside the bottom margin must not make pdfkit open a new page.
    doc.page.margins.bottom = 0
    const y = doc.page.height - 36
    doc
      .font(fonts.pick(chrome.footerPdf), 7.5)
      .fillColor(PALETTE.muted)
      .text(chrome.footerPdf, MARGIN.left, y, { width: 380, lineBreak: false })
    const page = formatMessage(chrome.page, { page: String(i + 1), pages: String(count) }, document.locale)
    doc.font(fonts.pick(page), 7.5).text(page, doc.page.width - MARGIN.right - 100, y, {
      width: 100,
      align: 'right',
      lineBreak: false,
    })
    doc.page.margins.bottom = bottomMargin
  }
}

/** `cjkFont` is `reporter.cjkFont`: the face for Chinese, Japanese and Korean text (see pdf-fonts.ts). */
export function renderPdf(document: ReportDocument, logger: Logger, cjkFont?: string): Promise<Buffer> {
  const chrome = documentChrome(document)
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: `${document.title} — ${document.tenant}`,
      Author: 'mcp-audit',
      Subject: document.periodLabel,
    },
    lang: document.locale,
    displayTitle: true,
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const fonts = registerFonts(doc, logger, fontFiles(cjkFont))
  drawCover(doc, fonts, document, chrome)
  doc.addPage()
  const contentsPage = doc.bufferedPageRange().count - 1

  const canvas: Canvas = {
    doc,
    fonts,
    chrome,
    locale: document.locale,
    left: MARGIN.left,
    width: doc.page.width - MARGIN.left - MARGIN.right,
    bottom: doc.page.height - MARGIN.bottom,
    newPage: () => {
      doc.addPage()
      doc.y = MARGIN.top
    },
  }
  const entries: Array<{ section: Section; page: number }> = []
  document.sections.forEach((section, index) => {
    const keepsPage = section.id.startsWith('framework-') && index > 0 && doc.y < canvas.bottom - 260
    if (!keepsPage) canvas.newPage()
    else doc.y += 10
    entries.push({ section, page: doc.bufferedPageRange().count })
    drawSection(canvas, section)
  })
  doc.switchToPage(contentsPage)
  drawContents(doc, fonts, entries, chrome)
  drawFooters(doc, fonts, document, chrome)
  doc.end()
  return done
}
