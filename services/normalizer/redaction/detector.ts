import type { FindingType } from '../../../schemas/redaction.js'

/** A value found by a detector; `start`/`end` may be narrower than the regex match (e.g. only the password). */
export interface Hit {
  type: FindingType
  start: number
  end: number
}

/**
 * One kind of value the scanner looks for. `pattern` (scanned as a global regex of its own) must not
 * match the empty string and must not contain backreferences. Its left edge should be guarded by a
 * lookbehind so that it can only start at a token boundary: together with bounded quantifiers this
 * keeps each pattern linear, and the scan linear in the text.
 */
export interface Detector {
  readonly name: string
  readonly pattern: string
  /**
   * A test that is true of every text in which `pattern` can produce an accepted hit (a necessary
   * condition, e.g. `@` for emails). Texts failing it skip this alternative entirely. Omitted when
   * `requires` and `keywords` say all it would, or when `nextStart` finds no start as cheaply.
   */
  readonly prefilter?: RegExp
  /** Characters every accepted hit contains ({@link CharClass} bits), checked before `prefilter`. */
  readonly requires: number
  /**
   * Every type `classify` can return, when they are few: a scanner whose settings disable all of
   * them leaves the detector out. Omitted where the types depend on the value (secrets).
   */
  readonly types?: readonly FindingType[]
  /**
   * Words of which every accepted hit contains one (ASCII letters in any case), checked before
   * `prefilter` in the same pass that learns the character classes.
   */
  readonly keywords?: readonly string[]
  /**
   * The first position at or after `from` where `pattern` may match, or -1: found without the
   * pattern, from a character every match holds (an e-mail's `@`). The scanner then runs the pattern
   * anchored there instead of searching the text with it, and asks again from the next position when
   * it does not match. Every position where the pattern matches must be returned, in order; others
   * only cost time. Omitted when the pattern's own search is as fast.
   */
  readonly nextStart?: (text: string, from: number) => number
  /** Validates a regex match (checksums, context, shape); `null` lets later alternatives try the same spot. */
  classify(text: string, start: number, end: number): Hit | null
}

/** Character classes a detector may require (bit flags), learnt in one pass (text-profile.ts). */
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
  /** A Latin capital (A–Z, À–Þ, or any letter of Latin Extended-A). */
  UPPER: 128,
  /** A run of at least 3, 4, 7 and 17 digits. */
  DIGITS_3: 256,
  DIGITS_4: 512,
  DIGITS_7: 1024,
  DIGITS_17: 2048,
} as const

/** Characters allowed in the body of API tokens (base64url plus `_`). */
export const TOKEN_CHAR = '[A-Za-z0-9_-]'
export const NOT_AFTER_TOKEN_CHAR = '(?<![A-Za-z0-9_-])'

/** ASCII characters given as the body of a regex class (`A-Za-z0-9._-`), looked up by code. */
export interface AsciiSet {
  has(text: string, at: number): boolean
}

export function asciiSet(members: string): AsciiSet {
  const member = new RegExp(`[${members}]`)
  const table = Uint8Array.from({ length: 128 }, (_, code) =>
    member.test(String.fromCharCode(code)) ? 1 : 0,
  )
  return {
    has(text, at) {
      const code = text.charCodeAt(at)
      return code < 128 && table[code] === 1
    },
  }
}

export function hasDigit(value: string): boolean {
  return /\d/.test(value)
}

/** The text just before `start`, on the same line or the line before, for context keywords. */
export function textBefore(text: string, start: number, length: number): string {
  return text.slice(Math.max(0, start - length), start)
}
