import { createHash } from 'node:crypto'
import type { Alert } from '../../../schemas/alert.js'
import type { Severity } from '../../../schemas/rules.js'
import type { WebhookConfig } from '../../../schemas/webhooks.js'
import { groupKey, isHttpUrl, plainLine, toIso, truncate } from './common.js'

/**
 * PagerDuty Events API v2 `enqueue`: a trigger whose dedup_key folds repeats of one incident. The
 * summary, source and component are plain text to PagerDuty, but they are what it forwards to chat
 * and e-mail: they go as single plain lines (no forged lines, no bidi overrides), within its limits.
 * `custom_details` is data, shown as such.
 */

const PAGERDUTY_FIELD_MAX = 255

const PAGERDUTY_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
}

/** Rule id + group key, so repeats of one incident fold into one PagerDuty incident; hashed past 255. */
export function pagerDutyDedupKey(alert: Alert): string {
  const key = `${alert.rule.id}:${groupKey(alert.group)}`
  if (key.length <= 255) return key
  const digest = createHash('sha256').update(key).digest('hex')
  return `${truncate(alert.rule.id, 190).replace(/…$/, '')}:sha256=${digest}`
}

export function renderPagerDuty(alert: Alert, webhook: WebhookConfig): unknown {
  const component = alert.group.tool ?? alert.group.server_name
  return {
    routing_key: webhook.secret,
    event_action: 'trigger',
    dedup_key: pagerDutyDedupKey(alert),
    client: 'mcp-audit',
    ...(isHttpUrl(alert.url)
      ? {
          client_url: alert.url,
          links: [{ href: alert.url, text: 'Open the alert in the mcp-audit console' }],
        }
      : {}),
    payload: {
      summary: plainLine(`[${alert.rule.severity.toUpperCase()}] ${alert.summary}`, 1024),
      source: plainLine(
        alert.group.server_name ?? alert.group.gateway ?? `mcp-audit/${alert.tenant_id}`,
        PAGERDUTY_FIELD_MAX,
      ),
      severity: PAGERDUTY_SEVERITY[alert.rule.severity],
      timestamp: toIso(alert.last_seen),
      ...(component === undefined ? {} : { component: plainLine(component, PAGERDUTY_FIELD_MAX) }),
      group: alert.tenant_id,
      class: alert.rule.id,
      custom_details: {
        alert_id: alert.alert_id,
        rule: alert.rule,
        group: alert.group,
        count: alert.count,
        value: alert.value,
        first_seen: toIso(alert.first_seen),
        last_seen: toIso(alert.last_seen),
        sample_event_ids: alert.sample_event_ids,
        console_url: alert.url,
      },
    },
  }
}
