import { withDecoding } from './encoded.js'
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
/** Marks a string cut by {@link SCAN_BUDGET_CHARS} rather than by `maxStringBytes`. */
export const SCAN_BUDGET_MARKER = '…[TRUNCATED:SCAN_BUDGET]'
/**
 * Characters of one string the detectors look at, whatever `maxStringBytes` allows: the detectors are
 * linear, so this bounds the CPU one string can cost every tenant behind it. Past it the string is
 * cut (nothing unscanned is stored) and marked with {@link SCAN_BUDGET_MARKER}.
 */
export const SCAN_BUDGET_CHARS = 262_144
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

interface Replacement {
  from: number
  to: number
  start: number
  end: number
}

/** Where input offset `at` lands in the redacted output (the start of a placeholder that covers it). */
function outputOffset(at: number, replaced: readonly Replacement[]): number {
  let shift = 0
  for (const { from, to, start, end } of replaced) {
    if (from >= at) break
    if (to > at) return start
    shift = end - to
  }
  return at + shift
}

export function createTextRedactor(
  settings: RedactionSettings,
  pseudonymize: (domain: string, value: string) => string,
): TextRedactor {
  const scanner = withDecoding(createScanner(new Set(settings.disabledTypes)))
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

  /**
   * Redacts all of `text`; `replaced` receives each placeholder's span in the input (`from`, `to`)
   * and in the output (`start`, `end`).
   */
  function redactWhole(text: string, findings: Findings, replaced?: Replacement[]): string {
    const hits = scanner.scan(text)
    if (hits.length === 0) return text
    let out = ''
    let from = 0
    for (const hit of hits) {
      const placeholder = replacement(hit.type, text.slice(hit.start, hit.end))
      if (placeholder === null) continue
      out += text.slice(from, hit.start)
      replaced?.push({
        from: hit.start,
        to: hit.end,
        start: out.length,
        end: out.length + placeholder.length,
      })
      out += placeholder
      from = hit.end
      addFinding(findings, hit.type)
    }
    return from === 0 ? text : out + text.slice(from)
  }

  return {
    redact(text, findings) {
      const cap = settings.maxStringBytes
      const fitsCap = text.length * 3 <= cap || Buffer.byteLength(text) <= cap
      if (fitsCap && text.length <= SCAN_BUDGET_CHARS) {
        return { text: redactWhole(text, findings), truncated: false }
      }
      const scanned = Math.min(text.length, cap + LOOKAHEAD_CHARS, SCAN_BUDGET_CHARS)
      const replaced: Replacement[] = []
      const redacted = redactWhole(text.slice(0, scanned), findings, replaced)
      // The budget binds only when maxStringBytes is configured near or above it.
      const byBudget = text.length > SCAN_BUDGET_CHARS && cap + LOOKAHEAD_CHARS > SCAN_BUDGET_CHARS
      const marker = byBudget ? SCAN_BUDGET_MARKER : TRUNCATION_MARKER
      let kept = prefixWithinBytes(redacted, cap - Buffer.byteLength(marker)).length
      if (byBudget) kept = Math.min(kept, outputOffset(SCAN_BUDGET_CHARS - LOOKAHEAD_CHARS, replaced))
      for (const { start, end } of replaced) {
        if (start < kept && kept < end) kept = start
      }
      return { text: redacted.slice(0, kept) + marker, truncated: true }
    },
    detect(text) {
      return scanner
        .scan(text.slice(0, SCAN_BUDGET_CHARS))
        .map(({ type, start, end }) => ({ type, start, end }))
    },
    placeholder: (type, value) => replacement(type, value) ?? `[REDACTED:${type}]`,
  }
}
