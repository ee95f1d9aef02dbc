import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import type PDFDocument from 'pdfkit'
import type { Logger } from '../platform/logger.js'

/**
 * Fonts for the PDF: DejaVu Sans for Latin, Greek and Cyrillic; for Chinese, Japanese and Korean
 * (a zh-CN report, and tenant, user and tool names in any report) Noto Sans SC from the npm package
 * @expo-google-fonts/noto-sans-sc (SIL OFL 1.1), so a fresh `npm install` can print Chinese. pdfkit
 * embeds only the glyphs a report uses (a subset), so the 10 MB font adds kilobytes to a report.
 * `reporter.cjkFont` picks Debian's WenQuanYi Micro Hei or any TTF/OTF file instead. Missing files
 * fall back to the built-in Helvetica, which cannot show CJK text: a warning names the files.
 */

export interface FontFiles {
  body: string
  bold: string
  cjk: string
  /** Bold CJK face; the regular one is used when absent. */
  cjkBold?: string
  /** The face's PostScript name inside a font collection (.ttc). */
  cjkFamily?: string
}

const DEJAVU = {
  body: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
}
export const SYSTEM_CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'

function packagedFont(file: string): string {
  try {
    return createRequire(import.meta.url).resolve(`@expo-google-fonts/noto-sans-sc/${file}`)
  } catch {
    // Reported as a missing file by registerFonts, like any other.
    return `node_modules/@expo-google-fonts/noto-sans-sc/${file}`
  }
}

/** The font files for `reporter.cjkFont`: `noto-sans-sc` (default), `wqy-microhei` or a file path. */
export function fontFiles(cjkFont = 'noto-sans-sc'): FontFiles {
  if (cjkFont === 'noto-sans-sc') {
    return {
      ...DEJAVU,
      cjk: packagedFont('400Regular/NotoSansSC_400Regular.ttf'),
      cjkBold: packagedFont('700Bold/NotoSansSC_700Bold.ttf'),
    }
  }
  if (cjkFont === 'wqy-microhei') return { ...DEJAVU, cjk: SYSTEM_CJK_FONT, cjkFamily: 'WenQuanYiMicroHei' }
  return { ...DEJAVU, cjk: cjkFont }
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

export function registerFonts(doc: PDFDocument, logger: Logger, files: FontFiles = fontFiles()): Fonts {
  const paths = [files.body, files.bold, files.cjk, ...(files.cjkBold ? [files.cjkBold] : [])]
  const missing = paths.filter((file) => !existsSync(file))
  if (missing.length > 0 && !warned) {
    warned = true
    logger.warn({ missing }, 'report_fonts_missing')
  }
  const body = existsSync(files.body) ? (doc.registerFont('body', files.body), 'body') : 'Helvetica'
  const bold = existsSync(files.bold) ? (doc.registerFont('bold', files.bold), 'bold') : 'Helvetica-Bold'
  const cjk = existsSync(files.cjk) ? (doc.registerFont('cjk', files.cjk, files.cjkFamily), 'cjk') : undefined
  const cjkBold =
    cjk && files.cjkBold && existsSync(files.cjkBold)
      ? (doc.registerFont('cjk-bold', files.cjkBold), 'cjk-bold')
      : cjk
  return {
    body,
    bold,
    pick: (text, wantBold = false) =>
      cjk && CJK.test(text) ? (wantBold ? (cjkBold ?? cjk) : cjk) : wantBold ? bold : body,
  }
}
