import type { Locale } from '../../../schemas/locale.js'
import { formatLocal } from '../period.js'
import type { Catalog, ChecksCatalog, FrameworkText, ReportCatalog, TermKind } from './catalog.js'
import { checksEn } from './checks-en.js'
import { checksZhCN } from './checks-zh-CN.js'
import { formatMessage, INTL_TAG, type MessageValue } from './format.js'
import { frameworksZhCN } from './frameworks-zh-CN.js'
import { reportEn } from './report-en.js'
import { reportZhCN } from './report-zh-CN.js'
import { termsZhCN } from './terms-zh-CN.js'

/**
 * The report's language: its message catalogs and how it writes numbers, shares, dates and the
 * time zone. Every text of a report goes through one `ReportText`, chosen once per report.
 */

export type { Locale }
export type { Catalog, FrameworkText, TermKind }

export const CATALOGS: Record<Locale, Catalog> = {
  en: { checks: checksEn, report: reportEn, terms: {} },
  'zh-CN': { checks: checksZhCN, report: reportZhCN, terms: termsZhCN, frameworks: frameworksZhCN },
}

export interface ReportText {
  locale: Locale
  checks: ChecksCatalog
  report: ReportCatalog
  /** Framework and control texts in this language; undefined for English (FRAMEWORKS itself). */
  frameworks: Catalog['frameworks']
  format: (template: string, values?: Readonly<Record<string, MessageValue>>) => string
  /** A value from the data (severity, status, field name) in this language, else as stored. */
  term: (kind: TermKind, value: string) => string
  /** A number grouped per locale (`12,480`). */
  number: (value: number) => string
  /** A share as a percentage with two decimals (`2.49%`). */
  pct: (share: number) => string
  /** An instant as local date and time in `timeZone`. */
  dateTime: (instant: Date, timeZone: string) => string
  /** The zone's name in this language at `at` (`中国标准时间`); the IANA id in English. */
  zoneName: (timeZone: string, at: Date) => string
}

/** The first locale given, in precedence order (CLI, schedule, tenant), else English. */
export function resolveLocale(...candidates: Array<Locale | undefined>): Locale {
  return candidates.find((locale) => locale !== undefined) ?? 'en'
}

export function reportText(locale: Locale = 'en'): ReportText {
  const catalog = CATALOGS[locale]
  const tag = INTL_TAG[locale]
  return {
    locale,
    checks: catalog.checks,
    report: catalog.report,
    frameworks: catalog.frameworks,
    format: (template, values = {}) => formatMessage(template, values, locale),
    term: (kind, value) => catalog.terms[kind]?.[value] ?? value,
    number: (value) => new Intl.NumberFormat(tag).format(value),
    pct: (share) => `${(share * 100).toFixed(2)}%`,
    dateTime: (instant, timeZone) =>
      locale === 'en'
        ? formatLocal(instant, timeZone)
        : new Intl.DateTimeFormat(tag, {
            timeZone,
            year: 'numeric',
            month: 'long',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }).format(instant),
    zoneName: (timeZone, at) =>
      locale === 'en'
        ? timeZone
        : (new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'long' })
            .formatToParts(at)
            .find((part) => part.type === 'timeZoneName')?.value ?? timeZone),
  }
}
