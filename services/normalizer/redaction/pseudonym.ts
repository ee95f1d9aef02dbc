import { createHmac } from 'node:crypto'
import type { FindingType } from '../../../schemas/redaction.js'

export const MIN_HMAC_KEY_LENGTH = 16

/** Keyed HMAC-SHA256, hex, truncated: stable for one key and value, unlinkable without the key. */
export function createPseudonymizer(
  key: string,
  hexChars: number,
): (domain: string, value: string) => string {
  if (key.length < MIN_HMAC_KEY_LENGTH) {
    throw new Error(
      `redaction needs an HMAC key of at least ${MIN_HMAC_KEY_LENGTH} characters (got ${key.length}); set pseudonymization.key or MCP_AUDIT_PSEUDONYMIZATION_KEY`,
    )
  }
  // Encoded once: a string key is encoded again for every HMAC (a Buffer key is 18% faster per call).
  const secret = Buffer.from(key)
  return (domain, value) =>
    createHmac('sha256', secret).update(`${domain}\u0000${value}`).digest('hex').slice(0, hexChars)
}

/** The form of a value that is hashed, so that `Alice@X.com` and `alice@x.com` join. */
export function canonicalValue(type: FindingType, value: string): string {
  switch (type) {
    case 'EMAIL':
    case 'IP_ADDRESS':
      return value.toLowerCase()
    case 'PHONE':
      return (value.trimStart().startsWith('+') ? '+' : '') + value.replace(/\D/g, '')
    case 'CREDIT_CARD':
    case 'US_SSN':
      return value.replace(/\D/g, '')
    case 'IBAN':
    case 'CN_RESIDENT_ID':
      return value.replace(/\s/g, '').toUpperCase()
    default:
      return value
  }
}

/** `a.b.c.0/24` for IPv4, the first three hextets `/48` for IPv6. */
export function truncateIp(address: string): string {
  if (!address.includes(':')) {
    const octets = address.split('.')
    return `${octets.slice(0, 3).join('.')}.0/24`
  }
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === '' ? [] : tail.split(':')
  const missing = address.includes('::') ? 8 - headGroups.length - tailGroups.length : 0
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups]
  const network = groups.slice(0, 3).map((group) => group.replace(/^0+(?=.)/, ''))
  while (network.length > 0 && network[network.length - 1] === '0') network.pop()
  return `${network.join(':')}::/48`
}
