import type { KafkaMessage } from '../platform/kafka/consumer.js'
import { isSelfAuditMessage } from '../platform/self-audit.js'
import type { AuditRow, ReceiptRow } from '../../schemas/audit-row.js'
import type { MessageOutcome, ProcessMessages } from './consumer.js'
import type { EventOrigin } from '../../schemas/audit-row.js'
import { addContentHash } from './steps/content-hash.js'
import { deriveEvent } from './steps/derive.js'
import { normalizeEnvelope } from './steps/normalize.js'
import { parseMessage } from './steps/parse.js'
import { placeEvent, type TenantPlacement } from './steps/placement.js'
import { receiptRows } from './steps/receipts.js'
import { redactEvent, type EventRedactor, type PayloadLimits } from './steps/redact.js'

export interface EventPipelineDeps {
  redactor: EventRedactor
  limits: PayloadLimits
  retentionDays: (tenantId: string) => number
  /** The tenant's IANA time zone, for the derived local hour and weekday (UTC when unset). */
  timeZone?: (tenantId: string) => string
  /** The tenant's region and TLS fallbacks and its allowed regions (none: the gateway's word only). */
  placement?: (tenantId: string) => TenantPlacement | undefined
}

/**
 * parse → normalize → place → derive → redact → content hash for one message; every failure becomes an
 * outcome, never an exception. `origin` is `self` only for the self-audit producer's messages.
 */
export function processEventMessage(
  message: Pick<KafkaMessage, 'value' | 'offset'>,
  partition: number,
  deps: EventPipelineDeps,
  origin: EventOrigin = 'gateway',
): MessageOutcome<AuditRow> {
  const parsed = parseMessage(message.value)
  if (parsed.kind !== 'ok') return parsed
  const normalized = normalizeEnvelope(parsed.value, {
    partition,
    offset: Number(message.offset),
    origin,
    retentionDays: deps.retentionDays,
  })
  if (normalized.kind !== 'ok') return normalized
  const tenantId = parsed.value.tenant_id
  const placed = placeEvent(normalized.value, deps.placement?.(tenantId))
  const derived = deriveEvent(placed, deps.timeZone?.(tenantId) ?? 'UTC')
  try {
    return { kind: 'ok', rows: [addContentHash(redactEvent(derived, deps.redactor, deps.limits))] }
  } catch (err) {
    // A redactor bug must not let a clear value through or block the partition: dead-letter it.
    return { kind: 'dlq', reason: `redaction failed: ${(err as Error).name}` }
  }
}

/** `self` for messages of mcp-audit's self-audit producer (its header), `gateway` for all others. */
export function messageOrigin(message: Pick<KafkaMessage, 'headers'>): EventOrigin {
  return isSelfAuditMessage(message.headers) ? 'self' : 'gateway'
}

export function inlineEventProcessor(deps: EventPipelineDeps): ProcessMessages<AuditRow> {
  return (messages, { partition }) =>
    Promise.resolve(messages.map((m) => processEventMessage(m, partition, deps, messageOrigin(m))))
}

export const receiptProcessor: ProcessMessages<ReceiptRow> = (messages) =>
  Promise.resolve(
    messages.map((message): MessageOutcome<ReceiptRow> => {
      const result = receiptRows(message.value)
      return result.kind === 'ok' ? { kind: 'ok', rows: result.value } : result
    }),
  )
