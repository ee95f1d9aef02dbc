import type { Alert } from '../../../schemas/alert.js'
import type { Severity } from '../../../schemas/rules.js'
import { isHttpUrl, truncate } from './common.js'
import { alertFacts, alertSummary, alertTitle, type Fact } from './facts.js'

/**
 * Slack incoming webhook: `{text, blocks}`. What a sender controls (the summary, tool and server
 * names) goes only into `rich_text` `text` elements and `plain_text` objects, which Slack shows
 * literally: no mrkdwn, links or mentions (`<!channel>`, `<url|text>`) can come out of them. The
 * notification `text` carries the rule, severity and tenant only, escaped.
 */

const SLACK_TEXT_MAX = 3000
const SLACK_HEADER_MAX = 150

const SLACK_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
}

/** Slack's three escapes for mrkdwn-capable `text`; enough there, as it holds no sender's text. */
export function slackEscape(text: string, max: number): string {
  const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
  if (escaped.length <= max) return escaped
  return truncate(escaped, max).replace(/&[a-z]*…$/, '…')
}

export interface SlackRun {
  text: string
  bold?: boolean
  /** Ours only (a console link): the run becomes a link to it. */
  url?: string
}

function slackElement({ text, bold, url }: SlackRun): unknown {
  if (url !== undefined) return { type: 'link', url, text }
  return { type: 'text', text, ...(bold ? { style: { bold } } : {}) }
}

/** A rich_text block of literal text runs (one section). */
export function slackRichText(runs: readonly SlackRun[]): unknown {
  return { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: runs.map(slackElement) }] }
}

function factRuns(facts: readonly Fact[]): SlackRun[] {
  return facts.flatMap(({ label, value }, index) => [
    ...(index > 0 ? [{ text: '\n' }] : []),
    { text: `${label}: `, bold: true },
    { text: value },
  ])
}

export function renderSlack(alert: Alert): unknown {
  const severity = alert.rule.severity.toUpperCase()
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${SLACK_EMOJI[alert.rule.severity]} ${alertTitle(alert)}`, SLACK_HEADER_MAX),
        emoji: true,
      },
    },
    slackRichText([{ text: alertSummary(alert) }]),
    slackRichText(factRuns(alertFacts(alert))),
    {
      type: 'context',
      elements: [{ type: 'plain_text', text: `alert ${alert.alert_id}`, emoji: false }],
    },
  ]
  if (isHttpUrl(alert.url) && alert.url.length <= SLACK_TEXT_MAX) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in console' }, url: alert.url }],
    })
  }
  const count = alert.count === 1 ? '1 event' : `${alert.count} events`
  const text = slackEscape(
    `[${severity}] ${alert.rule.title}: ${count} for tenant ${alert.tenant_id}`,
    SLACK_TEXT_MAX,
  )
  return { text, blocks }
}
