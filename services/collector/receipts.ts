import { createHash } from 'node:crypto'
import type { IngestReceipt } from '../../schemas/raw-envelope.js'
import type { PreparedEvent } from './prepare.js'

/**
 * The receipt of one acknowledged request: accepted events per minute of occurrence. Its id is a
 * hash of the accepted event ids, so when a gateway retries an identical request the store keeps
 * one receipt, just as it keeps one row per event.
 */
export function buildReceipt(
  accepted: ReadonlyArray<Pick<PreparedEvent, 'eventId' | 'timestamp'>>,
  rejected: number,
  meta: { tenantId: string; gateway: string; receivedAt: string },
): IngestReceipt {
  const hash = createHash('sha256').update(meta.tenantId).update('\u0000')
  const minutes: Record<string, number> = {}
  for (const { eventId, timestamp } of accepted) {
    hash.update(eventId).update('\u0000')
    const minute = new Date(timestamp).toISOString().slice(0, 16)
    minutes[minute] = (minutes[minute] ?? 0) + 1
  }
  return {
    v: 1,
    receipt_id: hash.digest('hex').slice(0, 32),
    tenant_id: meta.tenantId,
    gateway: meta.gateway,
    received_at: meta.receivedAt,
    minutes,
    accepted: accepted.length,
    rejected,
  }
}
