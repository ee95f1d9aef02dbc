import { existsSync } from 'node:fs'
import type PDFDocument from 'pdfkit'
import type { Logger } from '../platform/logger.js'

/**
 * Fonts for the PDF: DejaVu Sans for Latin, Greek and Cyrillic, WenQuanYi Micro Hei for Chinese,
 * Japanese and Korean (tenant, user and tool names can be any of them). Missing font files fall
 * back to the built-in Helvetica, which cannot show CJK text: a warning says which package to add.
 */

export const FONT_FILES = {
  body: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  cjk: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
}

export interface Fonts {
  body: string
  bold: string
  /** Font for a piece of text: the CJK face when the text needs it. */
  pick(text: string, bold?: boolean): string
}

const CJK =
  /[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/

let warned = false

export function registerFonts(doc: PDFDocument, logger: Logger, files = FONT_FILES): Fonts {
  const missing = Object.values(files).filter((file) => !existsSync(file))
  if (missing.length > 0 && !warned) {
    warned = true
    logger.warn({ missing }, 'report_fonts_missing')
  }
  const body = existsSync(files.body) ? (doc.registerFont('body', files.body), 'body') : 'Helvetica'
  const bold = existsSync(files.bold) ? (doc.registerFont('bold', files.bold), 'bold') : 'Helvetica-Bold'
  const cjk = existsSync(files.cjk)
    ? (doc.registerFont('cjk', files.cjk, 'WenQuanYiMicroHei'), 'cjk')
    : undefined
  return {
    body,
    bold,
    pick: (text, wantBold = false) => (cjk && CJK.test(text) ? cjk : wantBold ? bold : body),
  }
}
