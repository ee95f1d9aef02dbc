import type { Rng } from './rng.js'

/**
 * Personal data and secrets as they leak into real tool traffic: a customer's e-mail in a Slack
 * message, a card number in a support ticket, an AWS key in a config file an agent read. Every value
 * is generated from the seed and valid for its checker (Luhn, IBAN mod 97, SSN rules, vendor prefixes),
 * so the normalizer's redaction finds it. Types use the redaction engine's names.
 */

export const PII_TYPES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'US_SSN'] as const
export const SECRET_TYPES = [
  'AWS_ACCESS_KEY',
  'GITHUB_TOKEN',
  'SLACK_TOKEN',
  'STRIPE_KEY',
  'JWT',
  'URL_CREDENTIALS',
] as const
export type PiiType = (typeof PII_TYPES)[number]
export type SecretType = (typeof SECRET_TYPES)[number]

const FIRST = ['maria', 'james', 'yuki', 'amelie', 'omar', 'li', 'sofia', 'lukas', 'priya', 'noah']
const LAST = ['garcia', 'smith', 'tanaka', 'dubois', 'haddad', 'wang', 'rossi', 'becker', 'patel', 'kim']
const MAILBOXES = ['gmail.com', 'outlook.com', 'proton.me', 'yahoo.co.uk', 'web.de']
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function luhnDigit(payload: string): string {
  let sum = 0
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i])
    if (i % 2 === 0) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return String((10 - (sum % 10)) % 10)
}

function digits(rng: Rng, length: number): string {
  return rng.chars(length, '0123456789')
}

function iban(rng: Rng): string {
  const bban = digits(rng, 18)
  // ISO 7064 mod 97-10 over BBAN + "DE00" with letters as numbers (D=13, E=14).
  const numeric = `${bban}131400`
  let remainder = 0
  for (const char of numeric) remainder = (remainder * 10 + Number(char)) % 97
  const check = String(98 - remainder).padStart(2, '0')
  return `DE${check}${bban}`.replace(/(.{4})/g, '$1 ').trim()
}

function ssn(rng: Rng): string {
  let area = rng.int(1, 899)
  if (area === 666) area = 667
  return `${String(area).padStart(3, '0')}-${String(rng.int(1, 99)).padStart(2, '0')}-${String(rng.int(1, 9999)).padStart(4, '0')}`
}

function card(rng: Rng): string {
  const payload = `4${digits(rng, 14)}`
  return `${payload}${luhnDigit(payload)}`.replace(/(\d{4})/g, '$1 ').trim()
}

/** A sentence carrying one piece of personal data of the given type. */
export function piiSentence(rng: Rng, type: PiiType): string {
  const name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`
  switch (type) {
    case 'EMAIL':
      return `Customer contact: ${name.replace(' ', '.')}${rng.int(1, 99)}@${rng.pick(MAILBOXES)}`
    case 'PHONE':
      return `Please call the customer back on +1 415 555 0${rng.int(100, 199)}`
    case 'CREDIT_CARD':
      return `Refund requested for card ${card(rng)}, exp ${rng.int(1, 12)}/${rng.int(27, 31)}`
    case 'IBAN':
      return `Payout account IBAN ${iban(rng)}`
    case 'US_SSN':
      return `Applicant SSN ${ssn(rng)} verified`
  }
}

function jwt(rng: Rng): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: rng.uuid(), exp: rng.int(1_790_000_000, 1_800_000_000) })}.${rng.chars(43, BASE64URL)}`
}

/** The secret value alone, generated to match the vendor's format. */
export function secretValue(rng: Rng, type: SecretType): string {
  switch (type) {
    case 'AWS_ACCESS_KEY':
      return `AKIA${rng.chars(16, UPPER_DIGITS)}`
    case 'GITHUB_TOKEN':
      return `gh${'p'}_${rng.chars(36)}`
    case 'SLACK_TOKEN':
      return `xox${'b'}-${digits(rng, 12)}-${digits(rng, 13)}-${rng.chars(24)}`
    case 'STRIPE_KEY':
      return `sk_${'live'}_${rng.chars(24)}`
    case 'JWT':
      return jwt(rng)
    case 'URL_CREDENTIALS':
      return `postgres://app:${rng.chars(14)}@db.internal:5432/app`
  }
}

/** A line of a config file, a message or a log carrying one secret. */
export function secretSentence(rng: Rng, type: SecretType): string {
  const value = secretValue(rng, type)
  switch (type) {
    case 'AWS_ACCESS_KEY':
      return `aws_access_key_id = ${value}\naws_secret_access_key = ${rng.chars(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')}`
    case 'GITHUB_TOKEN':
      return `export GITHUB_TOKEN=${value}`
    case 'SLACK_TOKEN':
      return `SLACK_BOT_TOKEN=${value}`
    case 'STRIPE_KEY':
      return `stripe.api_key = "${value}"`
    case 'JWT':
      return `curl -H "Authorization: Bearer ${value}" https://api.internal/v1/orders`
    case 'URL_CREDENTIALS':
      return `DATABASE_URL=${value}`
  }
}
