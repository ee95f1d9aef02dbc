import type { WebhookConfig, WebhookFormat } from '../../schemas/webhooks.js'
import { renderAlertmanager } from './formats/alertmanager.js'
import { renderAnchorStandard } from './formats/integrity-anchor.js'
import { renderPagerDuty } from './formats/pagerduty.js'
import { renderReportSlack, renderReportStandard, renderReportTeams } from './formats/report-ready.js'
import { renderSlack } from './formats/slack.js'
import { renderStandard } from './formats/standard.js'
import { renderTeams } from './formats/teams.js'
import { deliveryId, messageSubject, type MessageType, type WebhookMessage } from './messages.js'
import { signStandardWebhook } from './signing.js'

/**
 * The registry of webhook formats: every message type with the form each format gives it, in the
 * receiver's own format. The body depends only on the message and the webhook (retries send the
 * same bytes); the per-attempt parts (Standard Webhooks timestamp and signature) are headers
 * computed from `now`.
 */

export interface RenderedWebhook {
  body: string
  headers: Record<string, string>
  /** Stable per (subject, webhook): the Standard Webhooks `webhook-id` and our delivery id. */
  idempotencyKey: string
}

type Renderers = {
  [M in WebhookMessage as M['type']]: Partial<
    Record<WebhookFormat, (data: M['data'], webhook: WebhookConfig) => unknown>
  >
}

const FORMATS: Renderers = {
  'alert.fired': {
    standard: renderStandard,
    slack: renderSlack,
    pagerduty: renderPagerDuty,
    alertmanager: renderAlertmanager,
    teams: renderTeams,
  },
  'report.ready': { standard: renderReportStandard, slack: renderReportSlack, teams: renderReportTeams },
  'integrity.anchor': { standard: renderAnchorStandard },
}

const USER_AGENT = 'mcp-audit-webhooks/1'

/** Whether a webhook of this format can carry messages of this type. */
export function supportsFormat(type: MessageType, format: WebhookFormat): boolean {
  return FORMATS[type][format] !== undefined
}

/** The request for one message to one webhook; undefined when its format has no form of the message. */
export function renderWebhook(
  message: WebhookMessage,
  webhook: WebhookConfig,
  now: Date,
): RenderedWebhook | undefined {
  // Each type's renderers take that type's data (see Renderers), so the pair always matches.
  const render = FORMATS[message.type][webhook.format] as
    ((data: WebhookMessage['data'], webhook: WebhookConfig) => unknown) | undefined
  if (render === undefined) return undefined
  const idempotencyKey = deliveryId(messageSubject(message).id, webhook.name)
  const body = JSON.stringify(render(message.data, webhook))
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT }
  if (webhook.format === 'standard') {
    const timestamp = Math.floor(now.getTime() / 1000)
    headers['webhook-id'] = idempotencyKey
    headers['webhook-timestamp'] = String(timestamp)
    if (webhook.secret !== undefined) {
      headers['webhook-signature'] = signStandardWebhook(idempotencyKey, timestamp, body, webhook.secret)
    }
  }
  return { body, headers, idempotencyKey }
}
