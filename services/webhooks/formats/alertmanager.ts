import { createHash } from 'node:crypto'
import type { Alert } from '../../../schemas/alert.js'
import type { WebhookConfig } from '../../../schemas/webhooks.js'
import { groupText, isHttpUrl, plainLine, toIso } from './common.js'

/**
 * Alertmanager webhook (version 4) with one firing alert, for receivers built for Alertmanager.
 * Label and annotation values are plain text that receivers put into their own templates (chat,
 * e-mail, tickets): a sender's text goes as single plain lines, bounded, so it cannot forge lines.
 */

const RESERVED_LABELS = new Set(['alertname', 'severity', 'tenant', 'rule_id'])
const ALERTMANAGER_NEVER = '0001-01-01T00:00:00Z'
const LABEL_VALUE_MAX = 1024
const ANNOTATION_MAX = 4096

function labelName(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_')
  return RESERVED_LABELS.has(cleaned) ? `group_${cleaned}` : cleaned
}

function alertmanagerLabels(alert: Alert): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: alert.rule.title,
    severity: alert.rule.severity,
    tenant: alert.tenant_id,
    rule_id: alert.rule.id,
  }
  for (const key of Object.keys(alert.group).sort()) labels[labelName(key)] = alert.group[key]!
  for (const name of Object.keys(labels)) labels[name] = plainLine(labels[name]!, LABEL_VALUE_MAX)
  return labels
}

/** 16 hex of a hash of the sorted label set, like Alertmanager's own fingerprints. */
function fingerprint(labels: Record<string, string>): string {
  const hash = createHash('sha256')
  for (const key of Object.keys(labels).sort()) hash.update(`${key}\u00ff${labels[key]}\u00ff`)
  return hash.digest('hex').slice(0, 16)
}

export function renderAlertmanager(alert: Alert, webhook: WebhookConfig): unknown {
  const labels = alertmanagerLabels(alert)
  const annotations = {
    summary: plainLine(alert.summary, ANNOTATION_MAX),
    description: plainLine(
      `${alert.rule.title} (${alert.rule.id}, ${alert.rule.kind}) fired for tenant ${alert.tenant_id}: ` +
        `${alert.count} event(s)${alert.value === null ? '' : `, value ${alert.value}`}` +
        `${Object.keys(alert.group).length ? ` for ${groupText(alert.group, ', ')}` : ''}, ` +
        `${toIso(alert.first_seen)} to ${toIso(alert.last_seen)}` +
        `${alert.rule.tags.length ? `; tags ${alert.rule.tags.join(', ')}` : ''}`,
      ANNOTATION_MAX,
    ),
  }
  const groupLabels = { alertname: labels.alertname!, rule_id: labels.rule_id!, tenant: labels.tenant! }
  return {
    version: '4',
    groupKey: `{}:{alertname=${JSON.stringify(labels.alertname)},rule_id=${JSON.stringify(labels.rule_id)},tenant=${JSON.stringify(labels.tenant)}}`,
    truncatedAlerts: 0,
    receiver: webhook.name,
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations,
        startsAt: toIso(alert.first_seen),
        endsAt: ALERTMANAGER_NEVER,
        generatorURL: alert.url,
        fingerprint: fingerprint(labels),
      },
    ],
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: isHttpUrl(alert.url) ? new URL(alert.url).origin : '',
  }
}
