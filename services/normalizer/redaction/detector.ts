import type { FindingType } from '../../../schemas/redaction.js'

/** A value found by a detector; `start`/`end` may be narrower than the regex match (e.g. only the password). */
export interface Hit {
  type: FindingType
  start: number
  end: number
}

/**
 * One alternative of the combined scanning regex. `pattern` must not match the empty string and must
 * not contain capture groups or backreferences (the scanner numbers the alternatives itself). Its left
 * edge should be guarded by a lookbehind so that it can only start at a token boundary: together with
 * bounded quantifiers this keeps each alternative linear and the whole scan single-pass.
 */
export interface Detector {
  readonly name: string
  readonly pattern: string
  /**
   * A cheap test that is true of every text in which `pattern` can produce an accepted hit (a
   * necessary condition, e.g. `@` for emails). Texts failing it skip this alternative entirely.
   */
  readonly prefilter: RegExp
  /** Characters every accepted hit contains ({@link CharClass} bits); lets short texts skip `prefilter` calls. */
  readonly requires: number
  /** Validates a regex match (checksums, context, shape); `null` lets later alternatives try the same spot. */
  classify(text: string, start: number, end: number): Hit | null
  /**
   * Scan `pattern` in a pass of its own instead of as an alternative of the combined regex, still
   * tried after every other detector at the same position. For patterns that match most words of
   * prose (capitalised words) and are rarely accepted: in the combined regex each of those matches
   * would cost a result array with a slot per detector and a trip through the retries.
   */
  readonly ownPass?: boolean
}

/** Character classes a detector may require (bit flags), checked in one pass over short texts. */
export const CharClass = {
  DIGIT: 1,
  AT: 2,
  COLON: 4,
  /** `:` or `=` (or a Chinese separator: `：`, `＝`, 是, 为) */
  SEPARATOR: 8,
  DASH: 16,
  DOT: 32,
  /** A CJK unified ideograph (U+4E00–U+9FFF): the Chinese names and addresses need one. */
  HAN: 64,
} as const

/** The {@link CharClass} bits present in `text`. */
export function charClasses(text: string): number {
  let classes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) classes |= CharClass.DIGIT
    else if (code === 64) classes |= CharClass.AT
    else if (code === 58) classes |= CharClass.COLON | CharClass.SEPARATOR
    else if (code === 61) classes |= CharClass.SEPARATOR
    else if (code === 45) classes |= CharClass.DASH
    else if (code === 46) classes |= CharClass.DOT
    // Full-width `：` and `＝`, and 是/为 ("is"), which separate Chinese keys from values.
    else if (code === 0xff1a || code === 0xff1d) classes |= CharClass.SEPARATOR
    else if (code >= 0x4e00 && code <= 0x9fff) {
      classes |= CharClass.HAN
      if (code === 0x662f || code === 0x4e3a) classes |= CharClass.SEPARATOR
    }
  }
  return classes
}

/** Characters allowed in the body of API tokens (base64url plus `_`). */
export const TOKEN_CHAR = '[A-Za-z0-9_-]'
export const NOT_AFTER_TOKEN_CHAR = '(?<![A-Za-z0-9_-])'

export function hasDigit(value: string): boolean {
  return /\d/.test(value)
}

/** The text just before `start`, on the same line or the line before, for context keywords. */
export function textBefore(text: string, start: number, length: number): string {
  return text.slice(Math.max(0, start - length), start)
}
