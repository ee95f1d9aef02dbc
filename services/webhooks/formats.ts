import { createHash } from 'node:crypto'
import type { Alert } from '../../schemas/alert.js'
import { WebhookConfigError } from './errors.js'
import { renderAlertmanager } from './formats/alertmanager.js'
import type { WebhookConfig, WebhookFormat } from './formats/common.js'
import { renderPagerDuty } from './formats/pagerduty.js'
import { renderSlack } from './formats/slack.js'
import { decodeStandardSecret, renderStandard, signStandardWebhook } from './formats/standard.js'
import { renderTeams } from './formats/teams.js'

export type { WebhookConfig, WebhookFormat } from './formats/common.js'
export { toIso } from './formats/common.js'
export { pagerDutyDedupKey } from './formats/pagerduty.js'
export {
  decodeStandardSecret,
  signStandardWebhook,
  verifyStandardWebhook,
  type HeaderSource,
  type StandardWebhookVerification,
} from './formats/standard.js'

/**
 * The registry of webhook formats: one alert rendered for one webhook, in the receiver's own
 * format. The body depends only on the alert and the webhook (retries send the same bytes); the
 * per-attempt parts (Standard Webhooks timestamp and signature) are headers computed from `now`.
 */

export interface RenderedWebhook {
  body: string
  headers: Record<string, string>
  /** Stable per (alert, webhook): the Standard Webhooks `webhook-id` and our delivery id. */
  idempotencyKey: string
}

const USER_AGENT = 'mcp-audit-webhooks/1'

/** `msg_` + 32 hex: deterministic, so a repeated enqueue or a retry keeps the same id. */
export function deliveryId(alertId: string, webhookName: string): string {
  const digest = createHash('sha256').update(`${alertId}\u0000${webhookName}`).digest('hex')
  return `msg_${digest.slice(0, 32)}`
}

const RENDERERS: Record<WebhookFormat, (alert: Alert, webhook: WebhookConfig) => unknown> = {
  standard: renderStandard,
  slack: renderSlack,
  pagerduty: renderPagerDuty,
  alertmanager: renderAlertmanager,
  teams: renderTeams,
}

export function renderWebhook(alert: Alert, webhook: WebhookConfig, now: Date): RenderedWebhook {
  const idempotencyKey = deliveryId(alert.alert_id, webhook.name)
  const body = JSON.stringify(RENDERERS[webhook.format](alert, webhook))
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

/**
 * Checks the configured webhooks once at start (what zod cannot see: unique names, a PagerDuty
 * routing key, a well-formed `whsec_` secret); throws naming the key to fix.
 */
export function validateWebhooks(webhooks: readonly WebhookConfig[]): void {
  const names = new Set<string>()
  webhooks.forEach((webhook, index) => {
    const at = `alerts.webhooks[${index}]`
    if (names.has(webhook.name))
      throw new WebhookConfigError(`${at}.name: "${webhook.name}" is used twice; names must be unique`)
    names.add(webhook.name)
    if (!/^https?:$/.test(new URL(webhook.url).protocol)) {
      throw new WebhookConfigError(`${at}.url: only http and https webhooks are supported`)
    }
    if (webhook.format === 'pagerduty' && !webhook.secret) {
      throw new WebhookConfigError(
        `${at}.secret: a pagerduty webhook needs its integration (routing) key as secret`,
      )
    }
    if (webhook.format === 'standard' && webhook.secret !== undefined) {
      try {
        decodeStandardSecret(webhook.secret)
      } catch (err) {
        throw new WebhookConfigError(`${at}.secret: ${(err as Error).message}`)
      }
    }
  })
}
