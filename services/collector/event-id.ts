import { createHash } from 'node:crypto'
import { canonicalJson } from '../platform/canonical-json.js'

/** A UUID-shaped id (version 8, RFC 9562 "custom") from the first 16 bytes of a SHA-256. */
function uuidFromHash(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x80
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The id of an event the gateway sent without one: derived from the tenant and the event's content,
 * so a gateway that retries the same event gets the same id, and the store keeps one row.
 */
export function deriveEventId(tenantId: string, event: Record<string, unknown>): string {
  const digest = createHash('sha256').update(tenantId).update('\u0000').update(canonicalJson(event)).digest()
  return uuidFromHash(digest)
}

/**
 * The Kafka key: events of one session (else one user, else the event alone) share a partition and
 * stay in order. Hashed, so no user id travels in clear in a key.
 */
export function partitionKey(
  tenantId: string,
  event: { session_id?: string | null; user?: { id?: string | null } | null; event_id?: string | null },
): string {
  const affinity = event.session_id
    ? `s:${event.session_id}`
    : event.user?.id
      ? `u:${event.user.id}`
      : `e:${event.event_id ?? ''}`
  return createHash('sha1').update(tenantId).update('\u0000').update(affinity).digest('base64url')
}
