import { createHash } from 'node:crypto'
import { z } from 'zod'
import { Alert } from '../../schemas/alert.js'
import { IntegrityAnchor } from '../../schemas/integrity-anchor.js'

/**
 * What the webhooks carry: `alert.fired` (an alert, from the detector), `report.ready` (a report
 * notice, from the reporter) and `integrity.anchor` (the heads of a tenant's seal chains, from the
 * reporter, schemas/integrity-anchor.ts). Each message has a subject (the alert or the report) whose id, with
 * the webhook's name, makes the one message id of a delivery.
 */

export const MESSAGE_TYPES = ['alert.fired', 'report.ready', 'integrity.anchor'] as const
export type MessageType = (typeof MESSAGE_TYPES)[number]

/** A generated report, as its notice tells it; `links` point into the console when its URL is known. */
export const ReportReady = z.object({
  report_id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  period_from: z.string(),
  period_to: z.string(),
  timezone: z.string(),
  checks: z.object({ pass: z.number(), warn: z.number(), fail: z.number() }),
  manifest_sha256: z.string(),
  links: z.record(z.string(), z.string()),
  created_at: z.string(),
})
export type ReportReady = z.infer<typeof ReportReady>

export type WebhookMessage =
  | { type: 'alert.fired'; data: Alert }
  | { type: 'report.ready'; data: ReportReady }
  | { type: 'integrity.anchor'; data: IntegrityAnchor }

export interface MessageSubject {
  id: string
  tenantId: string
  createdAt: string
}

export function messageSubject(message: WebhookMessage): MessageSubject {
  if (message.type === 'alert.fired') {
    const { alert_id, tenant_id, created_at } = message.data
    return { id: alert_id, tenantId: tenant_id, createdAt: created_at }
  }
  if (message.type === 'integrity.anchor') {
    const { anchor_id, tenant_id, anchored_at } = message.data
    return { id: anchor_id, tenantId: tenant_id, createdAt: anchored_at }
  }
  const { report_id, tenant_id, created_at } = message.data
  return { id: report_id, tenantId: tenant_id, createdAt: created_at }
}

/**
 * `msg_` + 32 hex of (subject, webhook): deterministic, so a repeated enqueue or a retry keeps the
 * same id. It is the Standard Webhooks `webhook-id` and the delivery's row id.
 */
export function deliveryId(subjectId: string, webhookName: string): string {
  const digest = createHash('sha256').update(`${subjectId}\u0000${webhookName}`).digest('hex')
  return `msg_${digest.slice(0, 32)}`
}

const PAYLOADS = {
  'alert.fired': Alert,
  'report.ready': ReportReady,
  'integrity.anchor': IntegrityAnchor,
} as const

export type ParsedMessage = { kind: 'ok'; message: WebhookMessage } | { kind: 'invalid'; reason: string }

/** A message as the outbox stored it: its type and its data as JSON. */
export function parseStoredMessage(type: string, payload: string): ParsedMessage {
  if (!Object.hasOwn(PAYLOADS, type)) return { kind: 'invalid', reason: `unknown message type "${type}"` }
  let json: unknown
  try {
    json = JSON.parse(payload)
  } catch {
    return { kind: 'invalid', reason: 'the stored payload is not JSON' }
  }
  const messageType = type as MessageType
  const parsed = PAYLOADS[messageType].safeParse(json)
  if (!parsed.success) {
    return {
      kind: 'invalid',
      reason: `the stored ${messageType} payload is not valid: ${parsed.error.message}`,
    }
  }
  return { kind: 'ok', message: { type: messageType, data: parsed.data } as WebhookMessage }
}
