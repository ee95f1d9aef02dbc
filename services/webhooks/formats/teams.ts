import type { Alert } from '../../../schemas/alert.js'
import type { Severity } from '../../../schemas/rules.js'
import { isHttpUrl, toIso } from './common.js'

/** Microsoft Teams Workflows webhook: a message with one Adaptive Card. */

const TEAMS_COLOR: Record<Severity, string> = {
  critical: 'attention',
  high: 'attention',
  medium: 'warning',
  low: 'accent',
  info: 'default',
}

export function renderTeams(alert: Alert): unknown {
  const facts = [
    ['Severity', alert.rule.severity],
    ['Rule', `${alert.rule.id} (${alert.rule.kind})`],
    ['Tenant', alert.tenant_id],
    ['Count', alert.value === null ? String(alert.count) : `${alert.count} (value ${alert.value})`],
    ['First seen', toIso(alert.first_seen)],
    ['Last seen', toIso(alert.last_seen)],
    ...Object.keys(alert.group)
      .sort()
      .map((key) => [key, alert.group[key]!]),
    ...(alert.rule.tags.length ? [['Tags', alert.rule.tags.join(', ')]] : []),
  ].map(([title, value]) => ({ title, value }))
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              size: 'Large',
              weight: 'Bolder',
              color: TEAMS_COLOR[alert.rule.severity],
              text: `${alert.rule.severity.toUpperCase()}: ${alert.rule.title}`,
              wrap: true,
            },
            { type: 'TextBlock', text: alert.summary, wrap: true },
            { type: 'FactSet', facts },
          ],
          actions: isHttpUrl(alert.url)
            ? [{ type: 'Action.OpenUrl', title: 'Open in console', url: alert.url }]
            : [],
        },
      },
    ],
  }
}
