import type { FindingType, Findings } from '../../../schemas/redaction.js'

/** One detected value, as offsets into the scanned text (UTF-16 code units, end exclusive). */
export interface Detection {
  type: FindingType
  start: number
  end: number
}

export function addFinding(findings: Findings, type: FindingType, count = 1): void {
  findings[type] = (findings[type] ?? 0) + count
}

export function mergeFindings(into: Findings, from: Findings): void {
  for (const [type, count] of Object.entries(from) as Array<[FindingType, number]>)
    addFinding(into, type, count)
}
