import type { Alert } from '../../../schemas/alert.js'
import type { Severity } from '../../../schemas/rules.js'
import { groupText, isHttpUrl, toIso, truncate } from './common.js'

/** Slack incoming webhook: `{text, blocks}` (section text at most 3000 characters). */

const SLACK_SECTION_MAX = 3000
const SLACK_FIELD_MAX = 2000
const SLACK_HEADER_MAX = 150

const SLACK_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
}

/** Slack mrkdwn control characters: escaping them keeps `<!channel>` and `<url|text>` out of alerts. */
function slackEscape(text: string, max: number): string {
  const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
  if (escaped.length <= max) return escaped
  return truncate(escaped, max).replace(/&[a-z]*…$/, '…')
}

export function renderSlack(alert: Alert): unknown {
  const severity = alert.rule.severity.toUpperCase()
  const fields = [
    ['Severity', alert.rule.severity],
    ['Rule', `${alert.rule.id} (${alert.rule.kind})`],
    ['Tenant', alert.tenant_id],
    ['Count', alert.value === null ? String(alert.count) : `${alert.count} (value ${alert.value})`],
    ['First seen', toIso(alert.first_seen)],
    ['Last seen', toIso(alert.last_seen)],
  ].map(([label, value]) => ({ type: 'mrkdwn', text: slackEscape(`*${label}*\n${value}`, SLACK_FIELD_MAX) }))
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(
          `${SLACK_EMOJI[alert.rule.severity]} ${severity}: ${alert.rule.title}`,
          SLACK_HEADER_MAX,
        ),
        emoji: true,
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(alert.summary, SLACK_SECTION_MAX) } },
    { type: 'section', fields },
  ]
  if (Object.keys(alert.group).length > 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: slackEscape(`*Group*\n${groupText(alert.group, '\n')}`, SLACK_SECTION_MAX),
      },
    })
  }
  const context = [
    `alert ${alert.alert_id}`,
    ...(alert.rule.tags.length ? [`tags: ${alert.rule.tags.join(', ')}`] : []),
  ]
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: slackEscape(context.join(' · '), SLACK_SECTION_MAX) }],
  })
  if (isHttpUrl(alert.url) && alert.url.length <= SLACK_SECTION_MAX) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in console' }, url: alert.url }],
    })
  }
  return { text: truncate(`[${severity}] ${alert.rule.title}: ${alert.summary}`, SLACK_SECTION_MAX), blocks }
}
