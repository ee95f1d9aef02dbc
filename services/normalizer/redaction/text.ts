import { canonicalValue, truncateIp } from './pseudonym.js'
import { createScanner } from './scanner.js'
import type { FindingType, Findings, RedactionSettings } from '../../../schemas/redaction.js'
import { addFinding, type Detection } from './types.js'

export interface TextRedaction {
  text: string
  findings: Findings
  /** The text was longer than `maxStringBytes` and was cut. */
  truncated: boolean
}

export interface TextRedactor {
  redact(text: string, findings: Findings): { text: string; truncated: boolean }
  detect(text: string): Detection[]
  placeholder(type: FindingType, value: string): string
}

export const TRUNCATION_MARKER = '…[TRUNCATED]'
/** Characters scanned past the size cap, so that a value straddling the cut is still recognised whole. */
const LOOKAHEAD_CHARS = 4096

/** The longest prefix of `text` whose UTF-8 encoding fits `maxBytes`, never splitting a surrogate pair. */
export function prefixWithinBytes(text: string, maxBytes: number): string {
  let end = Math.min(text.length, maxBytes)
  let bytes = Buffer.byteLength(text.slice(0, end))
  while (bytes > maxBytes) {
    end -= Math.max(1, Math.floor((bytes - maxBytes) / 3))
    bytes = Buffer.byteLength(text.slice(0, end))
  }
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return text.slice(0, end)
}

export function createTextRedactor(
  settings: RedactionSettings,
  pseudonymize: (domain: string, value: string) => string,
): TextRedactor {
  const scanner = createScanner(new Set(settings.disabledTypes))
  const pseudonymized = new Set<FindingType>(settings.pseudonymizeTypes)

  /** The replacement for a value, or null when the value stays (ipMode keep). */
  function replacement(type: FindingType, value: string): string | null {
    if (type === 'IP_ADDRESS') {
      switch (settings.ipMode) {
        case 'keep':
          return null
        case 'truncate':
          return truncateIp(value)
        case 'redact':
          return '[REDACTED:IP_ADDRESS]'
        case 'hash':
          return `[IP_ADDRESS:${pseudonymize(type, canonicalValue(type, value))}]`
      }
    }
    return pseudonymized.has(type)
      ? `[${type}:${pseudonymize(type, canonicalValue(type, value))}]`
      : `[REDACTED:${type}]`
  }

  /** Redacts all of `text`; `ranges` receives where placeholders sit in the output. */
  function redactWhole(text: string, findings: Findings, ranges?: Array<[number, number]>): string {
    const hits = scanner.scan(text)
    if (hits.length === 0) return text
    let out = ''
    let from = 0
    for (const hit of hits) {
      const replaced = replacement(hit.type, text.slice(hit.start, hit.end))
      if (replaced === null) continue
      out += text.slice(from, hit.start)
      ranges?.push([out.length, out.length + replaced.length])
      out += replaced
      from = hit.end
      addFinding(findings, hit.type)
    }
    return from === 0 ? text : out + text.slice(from)
  }

  return {
    redact(text, findings) {
      const cap = settings.maxStringBytes
      if (text.length * 3 <= cap || Buffer.byteLength(text) <= cap) {
        return { text: redactWhole(text, findings), truncated: false }
      }
      const ranges: Array<[number, number]> = []
      const redacted = redactWhole(text.slice(0, cap + LOOKAHEAD_CHARS), findings, ranges)
      let kept = prefixWithinBytes(redacted, cap - Buffer.byteLength(TRUNCATION_MARKER)).length
      for (const [start, end] of ranges) {
        if (start < kept && kept < end) kept = start
      }
      return { text: redacted.slice(0, kept) + TRUNCATION_MARKER, truncated: true }
    },
    detect(text) {
      return scanner.scan(text).map(({ type, start, end }) => ({ type, start, end }))
    },
    placeholder: (type, value) => replacement(type, value) ?? `[REDACTED:${type}]`,
  }
}
