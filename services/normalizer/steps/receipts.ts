import type { ReceiptRow } from '../../../schemas/audit-row.js'
import { IngestReceipt } from '../../../schemas/raw-envelope.js'
import type { StepResult } from './results.js'

/** A receipt message → one row per minute it covers; the request's rejected count rides on the first. */
export function receiptRows(value: Buffer | null): StepResult<ReceiptRow[]> {
  let json: unknown
  try {
    json = JSON.parse(value?.toString('utf8') ?? '')
  } catch {
    return { kind: 'dlq', reason: 'receipt is not JSON' }
  }
  const parsed = IngestReceipt.safeParse(json)
  if (!parsed.success)
    return { kind: 'dlq', reason: `not an ingest receipt v1: ${parsed.error.issues[0]?.message ?? ''}` }
  const receipt = parsed.data
  const minutes = Object.entries(receipt.minutes).sort(([a], [b]) => a.localeCompare(b))
  if (minutes.some(([minute]) => Number.isNaN(Date.parse(`${minute}:00Z`)))) {
    return { kind: 'dlq', reason: 'receipt minute keys must look like 2026-11-24T10:00' }
  }
  return {
    kind: 'ok',
    value: minutes.map(([minute, accepted], index) => ({
      receipt_id: receipt.receipt_id,
      tenant_id: receipt.tenant_id,
      gateway: receipt.gateway,
      minute: `${minute}:00Z`,
      received_at: receipt.received_at,
      accepted,
      rejected: index === 0 ? receipt.rejected : 0,
    })),
  }
}
