import { isIPv6 } from 'node:net'
import { asciiSet, CharClass, textBefore, type Detector } from './detector.js'
import {
  ibanChecksumValid,
  ibanLength,
  isCardNumber,
  isCnResidentId,
  isSsn,
  parseIpv4,
} from './validators.js'

/** Numbers must not continue a word, a decimal (`0.4111…`), a list (`1,4111…`) or a hyphenated id (UUIDs). */
const NUM_START = '(?<![A-Za-z0-9_-])(?<!\\d[.,])'
const NUM_END = '(?![A-Za-z0-9_]|[.,]\\d|[ -]\\d)'

/** Characters of an e-mail's local part, and those it may not follow (the same without `'`). */
const LOCAL_PART = asciiSet("A-Za-z0-9._%+'-")
const BEFORE_LOCAL_PART = asciiSet('A-Za-z0-9._%+-')
const MAX_LOCAL_PART = 64

/**
 * Where an e-mail can start at or after `from`: the leftmost position of a run of local-part
 * characters, at most {@link MAX_LOCAL_PART} long and ending at an `@`, that does not follow a
 * local-part character. The e-mail pattern, searched, would try nearly every position of a text.
 */
function emailStart(text: string, from: number): number {
  for (let at = text.indexOf('@', from + 1); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at
    while (start > from && at - start < MAX_LOCAL_PART && LOCAL_PART.has(text, start - 1)) start--
    for (; start < at; start++) if (start === 0 || !BEFORE_LOCAL_PART.has(text, start - 1)) return start
  }
  return -1
}

const email: Detector = {
  name: 'email',
  types: ['EMAIL'],
  requires: CharClass.AT | CharClass.DOT,
  pattern: `(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+'-]{1,${MAX_LOCAL_PART}}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){1,8}`,
  nextStart: emailStart,
  classify(text, start, end) {
    const at = text.indexOf('@', start)
    const local = text.slice(start, at)
    if (local.startsWith('.') || local.endsWith('.') || local.includes('..') || local === 'git') return null
    const labels = text.slice(at + 1, end).split('.')
    while (labels.length >= 2 && !/^[A-Za-z]{2,24}$/.test(labels[labels.length - 1]!)) labels.pop()
    if (labels.length < 2 || labels.some((label) => label.startsWith('-') || label.endsWith('-'))) return null
    if (/^\d+x$/i.test(labels[0]!)) return null // image@2x.png
    const domainEnd = at + 1 + labels.join('.').length
    const next = text[domainEnd]
    if (next === ':' && /\S/.test(text[domainEnd + 1] ?? ' ')) return null // scp-style user@host:path
    return { type: 'EMAIL', start, end: domainEnd }
  },
}

/** IBAN: candidate over-captures (spaced groups), the country's length decides where it ends. */
const iban: Detector = {
  name: 'iban',
  types: ['IBAN'],
  requires: CharClass.DIGIT,
  prefilter: /[A-Za-z]{2}\d{2}/,
  pattern: '(?<![A-Za-z0-9])[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]{4}){2,8}(?: ?[A-Za-z0-9]{1,4})?',
  classify(text, start, end) {
    const length = ibanLength(text.slice(start, start + 2))
    if (length === undefined) return null
    let compact = ''
    let i = start
    while (i < end && compact.length < length) {
      if (text[i] !== ' ') compact += text[i]
      i++
    }
    if (compact.length !== length || /[A-Za-z0-9]/.test(text[i] ?? '')) return null
    return ibanChecksumValid(compact) ? { type: 'IBAN', start, end: i } : null
  },
}

const cnResidentId: Detector = {
  name: 'cn-resident-id',
  types: ['CN_RESIDENT_ID'],
  requires: CharClass.DIGITS_17,
  pattern: `${NUM_START}[1-8]\\d{5}(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3}[0-9Xx]${NUM_END}`,
  classify: (text, start, end) =>
    isCnResidentId(text.slice(start, end)) ? { type: 'CN_RESIDENT_ID', start, end } : null,
}

const creditCard: Detector = {
  name: 'credit-card',
  types: ['CREDIT_CARD'],
  requires: CharClass.DIGITS_4,
  pattern: `${NUM_START}(?:\\d{12,19}|\\d{4}(?:[ -]\\d{4}){2}[ -]\\d{1,7}|\\d{4}(?:[ -]\\d{4}){3}[ -]\\d{1,3}|\\d{4}[ -]\\d{6}[ -]\\d{4,5})${NUM_END}`,
  classify: (text, start, end) =>
    isCardNumber(text.slice(start, end).replace(/[ -]/g, '')) ? { type: 'CREDIT_CARD', start, end } : null,
}

const SSN_CONTEXT = /(?:ssn|social[ -]security|soc\.? ?sec)[^\n\d]{0,20}$/i

/** Dashed SSNs stand alone; spaced or bare nine digits need an SSN keyword just before. */
const usSsn: Detector = {
  name: 'us-ssn',
  types: ['US_SSN'],
  requires: CharClass.DIGITS_3,
  prefilter: /\d{3}[- ]?\d{2}/,
  pattern: `${NUM_START}(?:\\d{3}-\\d{2}-\\d{4}|\\d{3} \\d{2} \\d{4}|\\d{9})${NUM_END}`,
  classify(text, start, end) {
    const value = text.slice(start, end)
    const digits = value.replace(/\D/g, '')
    if (!isSsn(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) return null
    if (value[3] !== '-' && !SSN_CONTEXT.test(textBefore(text, start, 40))) return null
    return { type: 'US_SSN', start, end }
  },
}

const VERSION_CONTEXT = /(?:version|ver\.?|release|build)\s*:?\s*$/i

const ipv4: Detector = {
  name: 'ipv4',
  types: ['IP_ADDRESS'],
  requires: CharClass.DIGIT | CharClass.DOT,
  prefilter: /\d\.\d{1,3}\.\d/,
  pattern: '(?<![A-Za-z0-9_.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![A-Za-z0-9_]|\\.\\d)',
  classify(text, start, end) {
    const octets = parseIpv4(text.slice(start, end))
    if (octets === null) return null
    const [first] = octets as [number]
    if (first === 127 || first === 255 || octets.every((octet) => octet === 0)) return null
    if (VERSION_CONTEXT.test(textBefore(text, start, 16))) return null
    return { type: 'IP_ADDRESS', start, end }
  },
}

const HEX = asciiSet('0-9A-Fa-f')
const BEFORE_IPV6 = asciiSet('A-Za-z0-9_:.')
/** Two colons at most four hex digits apart: every IPv6 address has them within its first five characters. */
const COLON_PAIR = /:[0-9A-Fa-f]{0,4}:/g

/**
 * Where an IPv6 address can start at or after `from`: at a colon of a {@link COLON_PAIR}, or at the
 * start of the one to four hex digits before it. Searched, the pattern would try every hex digit and
 * colon of a text (JSON, timestamps, hashes) with its lookahead.
 */
function ipv6Start(text: string, from: number): number {
  COLON_PAIR.lastIndex = from
  for (let pair = COLON_PAIR.exec(text); pair !== null; pair = COLON_PAIR.exec(text)) {
    const colon = pair.index
    let start = colon
    while (start > from && colon - start < 4 && HEX.has(text, start - 1)) start--
    if (start === 0 || !BEFORE_IPV6.has(text, start - 1)) return start
    COLON_PAIR.lastIndex = colon + 1
  }
  return -1
}

const ipv6: Detector = {
  name: 'ipv6',
  types: ['IP_ADDRESS'],
  requires: CharClass.COLON,
  nextStart: ipv6Start,
  pattern:
    '(?<![A-Za-z0-9_:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{3,39}(?:\\.\\d{1,3}){0,3}(?![A-Za-z0-9_:])',
  classify(text, start, end) {
    const candidate = text.slice(start, end)
    if (!isIPv6(candidate) || !/\d/.test(candidate)) return null
    const groups = candidate.split(':').filter((group) => group.length > 0)
    if (groups.length < 2 || (!candidate.includes('::') && groups.length < 7)) return null
    if (/^::(?:1|ffff:0:0)?$/.test(candidate.toLowerCase())) return null
    return { type: 'IP_ADDRESS', start, end }
  },
}

const NANP = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}$/
/** Chinese mobiles: +86/0086, grouped 3-4-4, or bare 11 digits with a real 1[3-9] prefix (see {@link NOT_A_PHONE_BEFORE}). */
const CN_MOBILE = /^(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}$/
/** Chinese landlines with an area code: `010-12345678`, `0755 1234567`, `(021) 12345678`. */
const CN_LANDLINE = /^(?:\(0(?:10|2\d|[3-9]\d{2})\)[ -]?|0(?:10|2\d|[3-9]\d{2})[ -])[2-9]\d{6,7}$/
/** An id or an amount, not a phone: `订单号13812345678`, `order #15912345678`, `¥13800000000`. */
const NOT_A_PHONE_BEFORE =
  /(?:订单|单号|编号|流水|交易|运单|工单|发票|金额|(?<![A-Za-z])(?:order|invoice|tracking|trace|ref|sku|id|no|amount|total|price|version|build|commit)(?![a-z])|#|[¥￥$])[^\n\d]{0,8}$/i
const NOT_A_PHONE_AFTER = /^[ \t]*(?:元|块|万|rmb|cny|usd|ms|秒|bytes?)/i
const DECIMAL = /^\d+\.\d+$/
const EXTENSION = /[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/
const PHONE_WORDS =
  '(?<![A-Za-z])(?:phones?|tel(?:ephone)?|mobile|cell(?:phone)?|fax|call(?:ed|ing)?|desk|contact|whats ?app|sms|text me|dial(?:ed)?|reach(?:ed)? me|ring|answering|messages? to)(?![a-z])|电话|手机|联系'
const PHONE_BEFORE = new RegExp(`(?:${PHONE_WORDS})[^\\n\\d]{0,16}(?:\\n[ \\t>]*)?$`, 'i')
const PHONE_AFTER = /^[ \t]*[-–,(]?[ \t]*(?:office|fax|mobile|cell|home|work|tel|phone)(?![a-z])/i

function digitCount(text: string, start: number, end: number): number {
  let count = 0
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) count++
  }
  return count
}

function isDateLike(value: string): boolean {
  const ymd = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?: \d{1,2})?$/.exec(value)
  if (ymd !== null) return Number(ymd[2]) <= 12 && Number(ymd[3]) <= 31
  const dmy = /^(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})(?: \d{1,2})?$/.exec(value)
  if (dmy === null) return false
  const [a, b] = [Number(dmy[1]), Number(dmy[2])]
  return (a <= 31 && b <= 12) || (a <= 12 && b <= 31)
}

/**
 * Phone numbers. International (`+…`, `00…`), North-American and Chinese mobile shapes stand alone;
 * any other grouping of 7–13 digits is a phone only next to a phone word (`Tel:`, `call me at`,
 * `… office`), so ids, counts, dates and durations are left alone.
 */
const phone: Detector = {
  name: 'phone',
  types: ['PHONE'],
  requires: CharClass.DIGIT,
  prefilter: /\d[\d ().-]{5,}\d/,
  pattern:
    '(?<![A-Za-z0-9_+.\\-/])(?:\\+ ?|00 ?)?(?:\\(\\+?\\d{1,4}\\)[ .-]?)?\\d{1,15}(?:(?:[ .-]|[ .-]?\\(\\d{1,4}\\)[ .-]?)\\d{1,11}){0,6}(?: ?(?:x|ext\\.?|#) ?\\d{1,6})?(?![A-Za-z0-9_])',
  classify(text, start, end) {
    // Most candidates are short numbers (years, counts, parts of dates): fewer than seven digits
    // make no phone but an international one, and need no slicing to tell.
    if (text.charCodeAt(start) !== 43 && !text.startsWith('00', start) && digitCount(text, start, end) < 7)
      return null
    const main = text.slice(start, end).replace(EXTENSION, '')
    const digits = main.replace(/\D/g, '')
    if (main.startsWith('+') || main.startsWith('00')) {
      const international = main.startsWith('+') ? digits : digits.slice(2)
      const ok = international.length >= 8 && international.length <= 15 && international[0] !== '0'
      return ok ? { type: 'PHONE', start, end } : null
    }
    if (NANP.test(main) || CN_LANDLINE.test(main)) return { type: 'PHONE', start, end }
    if (CN_MOBILE.test(main)) {
      const before = textBefore(text, start, 48)
      const id = NOT_A_PHONE_BEFORE.test(before) || NOT_A_PHONE_AFTER.test(text.slice(end, end + 8))
      return id && !PHONE_BEFORE.test(before) ? null : { type: 'PHONE', start, end }
    }
    if (digits.length < 7 || digits.length > 13 || isDateLike(main) || DECIMAL.test(main)) return null
    if (main.split(/[^0-9]+/).some((group) => group.length === 1)) return null
    const context =
      PHONE_BEFORE.test(textBefore(text, start, 48)) || PHONE_AFTER.test(text.slice(end, end + 16))
    return context ? { type: 'PHONE', start, end } : null
  },
}

export const NUMERIC_PII_DETECTORS: readonly Detector[] = [cnResidentId, creditCard, usSsn, ipv4, ipv6, phone]
export const PII_DETECTORS_BEFORE_NUMBERS: readonly Detector[] = [email, iban]
