/** Checksums and plausibility checks run on candidates only, never on the whole text. */

/** Luhn (mod 10) over the digits of `digits`, which must contain digits only. */
export function luhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/**
 * A payment card number: 12–19 digits, an issuer prefix that exists (Visa, Mastercard incl. 2-series,
 * Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir) and a valid Luhn digit. The prefix check keeps
 * millisecond timestamps and snowflake ids, which start with 1, from passing on Luhn luck alone.
 */
/** `partial` with the check digit that makes it pass Luhn (for test data: corpora and benchmarks). */
export function withLuhnCheckDigit(partial: string): string {
  for (let check = 0; check <= 9; check++) {
    if (luhnValid(partial + String(check))) return partial + String(check)
  }
  throw new Error('unreachable: one of ten check digits passes Luhn')
}

export function isCardNumber(digits: string): boolean {
  if (digits.length < 12 || digits.length > 19) return false
  const first = digits.charCodeAt(0) - 48
  if (first === 2) return isTwoSeriesCard(digits) && luhnValid(digits)
  const plausible = (first >= 3 && first <= 6) || digits.startsWith('1800') || digits.startsWith('0604')
  return plausible && luhnValid(digits)
}

/**
 * Cards starting with 2: Mastercard's 2-series (2221–2720, 16 digits), JCB 2131 and enRoute 2014/2149
 * (15 digits). Other numbers starting with 2 are dates and ids (`20261203…`).
 */
function isTwoSeriesCard(digits: string): boolean {
  const prefix = Number(digits.slice(0, 4))
  if (digits.length === 15) return prefix === 2131 || prefix === 2014 || prefix === 2149
  return digits.length === 16 && prefix >= 2221 && prefix <= 2720
}

/** IBAN length per country (ISO 13616 registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
}

export function ibanLength(countryCode: string): number | undefined {
  return IBAN_LENGTHS[countryCode.toUpperCase()]
}

/** ISO 7064 mod 97-10 over an IBAN without spaces (any case). */
export function ibanChecksumValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4)
  let remainder = 0
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i) | 0x20 // lower-case letters, digits unchanged
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97
    } else if (code >= 97 && code <= 122) {
      remainder = (remainder * 100 + (code - 87)) % 97
    } else {
      return false
    }
  }
  return remainder === 1
}

const CN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CN_ID_CHECK = '10X98765432'

/** Chinese resident identity card number (GB 11643-1999): 17 digits, a real birth date, ISO 7064 MOD 11-2. */
export function isCnResidentId(id: string): boolean {
  if (id.length !== 18) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * CN_ID_WEIGHTS[i]!
  if (CN_ID_CHECK[sum % 11] !== id[17]!.toUpperCase()) return false
  const year = Number(id.slice(6, 10))
  const month = Number(id.slice(10, 12))
  const day = Number(id.slice(12, 14))
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1900
}

/** US SSN area/group/serial rules: no 000, 666 or 9xx area, no 00 group, no 0000 serial. */
export function isSsn(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000'
}

/** Dotted-quad with every octet in 0–255 and no leading zeros beyond a single 0. */
export function parseIpv4(candidate: string): number[] | null {
  const parts = candidate.split('.')
  if (parts.length !== 4) return null
  const octets: number[] = []
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || (part.length > 1 && part[0] === '0')) return null
    const value = Number(part)
    if (!Number.isInteger(value) || value > 255) return null
    octets.push(value)
  }
  return octets
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** Unified Social Credit Code (GB 32100-2015): 18 characters of its alphabet, a mod-31 check character. */
export function isUscc(code: string): boolean {
  if (code.length !== 18) return false
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARS.indexOf(code[i]!)
    if (value === -1) return false
    sum += value * USCC_WEIGHTS[i]!
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31] === code[17]
}
