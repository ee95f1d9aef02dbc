import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Alert } from '../../../schemas/alert.js'
import { WebhookConfigError } from '../errors.js'
import { toIso } from './common.js'

/** Standard Webhooks 1.0.0: `alert.fired` body, `webhook-*` headers, HMAC-SHA256 `v1` signatures. */

const STANDARD_SECRET_PREFIX = 'whsec_'

/** The HMAC key of a `whsec_<base64>` secret (24–64 bytes, as the spec asks). Throws if it is not one. */
export function decodeStandardSecret(secret: string): Buffer {
  const encoded = secret.startsWith(STANDARD_SECRET_PREFIX)
    ? secret.slice(STANDARD_SECRET_PREFIX.length)
    : secret
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new WebhookConfigError('a Standard Webhooks secret must be "whsec_" followed by base64')
  }
  const key = Buffer.from(encoded, 'base64')
  if (key.length < 24 || key.length > 64) {
    throw new WebhookConfigError(
      `a Standard Webhooks secret must hold 24 to 64 random bytes, this one holds ${key.length}; ` +
        "generate one with: node -e \"console.log('whsec_' + crypto.randomBytes(32).toString('base64'))\"",
    )
  }
  return key
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`. */
export function signStandardWebhook(id: string, timestamp: number, body: string, secret: string): string {
  const mac = createHmac('sha256', decodeStandardSecret(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64')
  return `v1,${mac}`
}

export function renderStandard(alert: Alert): unknown {
  return { type: 'alert.fired', timestamp: toIso(alert.created_at), data: alert }
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
