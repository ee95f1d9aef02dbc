import type { z } from 'zod'
import type { Framework as FrameworkSchema } from '../../../schemas/config.js'
import { checksEn } from './checks-en.js'
import { reportEn } from './report-en.js'

/**
 * The shape of a language's messages, taken from the English catalog: another language must give
 * every key (a missing one is a type error). Terms translate values that come from the data
 * (severities, statuses, field names); a term without translation is shown as stored.
 */

type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> }

export type ChecksCatalog = Messages<typeof checksEn>
export type ReportCatalog = Messages<typeof reportEn>

export type TermKind =
  | 'severity'
  | 'alertStatus'
  | 'recordField'
  | 'authMethod'
  | 'reviewAction'
  | 'problemKind'
  | 'redactionType'
  | 'permission'
  | 'storeMode'

type Framework = z.infer<typeof FrameworkSchema>

export interface FrameworkText {
  title: string
  retentionSource?: string
  /** Requirement text per control id of FRAMEWORKS. */
  controls: Record<string, string>
}

export interface Catalog {
  checks: ChecksCatalog
  report: ReportCatalog
  terms: Partial<Record<TermKind, Record<string, string>>>
  /** Absent for English, whose framework texts are FRAMEWORKS themselves. */
  frameworks?: Record<Framework, FrameworkText>
}
