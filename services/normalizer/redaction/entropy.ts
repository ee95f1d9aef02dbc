/**
 * The generic high-entropy rule: a value found where a credential is likely (under a key such as
 * `signing_key`, after a word such as `token` or `密钥`) is a secret when it looks random. "Random" is
 * Shannon entropy per character above a threshold, and not one of the id shapes that are random
 * by design and harmless (UUIDs, git SHAs and checksums, timestamps, versions).
 */

export const MIN_SECRET_LENGTH = 16
export const MAX_SECRET_LENGTH = 512
/**
 * Bits per character. A random 16-character base62 string has about 3.8, a random 24-character one
 * about 4.3; words, paths and counters stay under 3.5 (tuned on the secrets corpus' look-alikes).
 */
const SHORT_THRESHOLD = 3.5
const LONG_THRESHOLD = 4.0
const LONG_FROM = 24

/** Shapes that are ids, digests or dates rather than credentials, however random they look. */
const ALLOWED_SHAPES: readonly RegExp[] = [
  /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i, // UUID
  /^(?:sha\d{1,3}[-:]?)?[0-9a-f]+$/i, // git SHA, md5/sha checksums
  /^\d{4}-\d\d-\d\d(?:[T ][\d:.]+)?(?:Z|[+-]\d\d(?::?\d\d)?)?$/, // ISO date and time
  /^v?\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.-]+)?$/, // version strings
  /^[\d\s._/-]+$/, // numbers, amounts, dates with separators
  /^[A-Za-z]+$/, // words and identifiers without digits
  /^[a-z0-9]+(?:[-_.][a-z0-9]+)+$/, // lower-case slugs: order-2024-000123, svc.reporter.v2
]

/** Shannon entropy of `value` in bits per character (UTF-16 code units). */
export function shannonEntropy(value: string): number {
  const counts = new Map<number, number>()
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    counts.set(code, (counts.get(code) ?? 0) + 1)
  }
  let bits = 0
  for (const count of counts.values()) {
    const p = count / value.length
    bits -= p * Math.log2(p)
  }
  return bits
}

/** Whether a value in a credential-like place is a secret: long, random-looking and not an id shape. */
export function isHighEntropySecret(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH) return false
  if (ALLOWED_SHAPES.some((shape) => shape.test(value))) return false
  const kinds = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value))
  if (kinds < 2) return false
  const threshold = value.length >= LONG_FROM ? LONG_THRESHOLD : SHORT_THRESHOLD
  return shannonEntropy(value) >= threshold
}

/**
 * JSON keys and text words that announce a credential without being sure of it (`key`, `signingKey`,
 * `salt`): their values are tested by {@link isHighEntropySecret}. Strong names (`password`, `token`)
 * are in sensitive-keys.ts and redact whatever the value.
 */
export function isCredentialLikeKey(normalizedKey: string): boolean {
  if (NOT_CREDENTIAL_KEYS.has(normalizedKey)) return false
  return (
    normalizedKey.endsWith('key') ||
    normalizedKey.endsWith('keys') ||
    CREDENTIAL_LIKE_EXACT.has(normalizedKey) ||
    /(?:密钥|秘钥|令牌|口令|密码|凭证|凭据)$/.test(normalizedKey)
  )
}

const CREDENTIAL_LIKE_EXACT = new Set(['salt', 'hmac', 'sig', 'license', 'licence', 'code', 'authcode'])
/** `…key` names that hold public values or ids (database and queue keys), not credentials. */
const NOT_CREDENTIAL_KEYS = new Set([
  'publickey',
  'pubkey',
  'primarykey',
  'foreignkey',
  'partitionkey',
  'sortkey',
  'rangekey',
  'hashkey',
  'routingkey',
  'cachekey',
  'objectkey',
  'idempotencykey',
])
