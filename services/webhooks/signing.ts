import { createHmac, timingSafeEqual } from 'node:crypto'
import { readStandardSecret } from '../../schemas/webhooks.js'
import { WebhookConfigError } from './errors.js'

/**
 * Standard Webhooks 1.0.0 signing: `webhook-*` headers with HMAC-SHA256 `v1` signatures over
 * "{id}.{timestamp}.{body}", and their verification (for receivers and tests).
 */

/** The HMAC key of a `whsec_<base64>` secret (24–64 bytes). Throws if it is not one. */
export function decodeStandardSecret(secret: string): Buffer {
  const decoded = readStandardSecret(secret)
  if (!decoded.ok) throw new WebhookConfigError(decoded.reason)
  return decoded.key
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`. */
export function signStandardWebhook(id: string, timestamp: number, body: string, secret: string): string {
  const mac = createHmac('sha256', decodeStandardSecret(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64')
  return `v1,${mac}`
}

export type HeaderSource = Headers | Record<string, string | string[] | undefined>

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name)
  const value = key === undefined ? undefined : headers[key]
  return Array.isArray(value) ? value[0] : value
}

export type StandardWebhookVerification =
  { ok: true; id: string; timestamp: number } | { ok: false; reason: string }

/**
 * Checks a received Standard Webhook: the three headers, the timestamp within `toleranceSeconds`
 * of `now` (replay protection), and any `v1` signature of the header's space-separated list
 * against the raw body, compared in constant time.
 */
export function verifyStandardWebhook(
  headers: HeaderSource,
  body: string | Buffer,
  secret: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): StandardWebhookVerification {
  const key = decodeStandardSecret(secret)
  const id = header(headers, 'webhook-id')
  const timestampText = header(headers, 'webhook-timestamp')
  const signatures = header(headers, 'webhook-signature')
  if (!id || !timestampText || !signatures) {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' }
  }
  if (!/^\d+$/.test(timestampText)) return { ok: false, reason: 'webhook-timestamp is not unix seconds' }
  const timestamp = Number(timestampText)
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) {
    return { ok: false, reason: `webhook-timestamp is more than ${toleranceSeconds} s away from now` }
  }
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(typeof body === 'string' ? Buffer.from(body) : body)
    .digest()
  for (const entry of signatures.split(' ')) {
    const [version, encoded] = entry.split(',', 2)
    if (version !== 'v1' || encoded === undefined) continue
    const given = Buffer.from(encoded, 'base64')
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { ok: true, id, timestamp }
    }
  }
  return { ok: false, reason: 'no v1 signature matches' }
}
