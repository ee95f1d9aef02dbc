import type { Alert } from '../../../schemas/alert.js'
import type { Severity } from '../../../schemas/rules.js'
import { isHttpUrl, truncate } from './common.js'
import { alertFacts, alertSummary, alertTitle } from './facts.js'

/**
 * Microsoft Teams Workflows webhook: a message with one Adaptive Card. Text goes into `TextRun`s of
 * `RichTextBlock`s, which Adaptive Cards never read as Markdown (a `TextBlock` or `FactSet` would:
 * `[x](http://evil)` would become a link, and Teams clients disagree on backslash escapes).
 */

const TEAMS_COLOR: Record<Severity, string> = {
  critical: 'attention',
  high: 'attention',
  medium: 'warning',
  low: 'accent',
  info: 'default',
}

export interface TeamsRun {
  text: string
  weight?: 'Bolder'
  size?: 'Large'
  color?: string
}

/**
 * A literal text run. `{{DATE(…)}}` and `{{TIME(…)}}` are still templates in a TextRun: a zero-width
 * space between the braces keeps a sender's text from becoming one (cut back to the length given).
 */
export function teamsRun({ text, ...style }: TeamsRun): unknown {
  return { type: 'TextRun', text: truncate(text.replaceAll('{{', '{\u200B{'), text.length), ...style }
}

export function teamsParagraph(runs: readonly TeamsRun[], spacing?: 'None'): unknown {
  return { type: 'RichTextBlock', inlines: runs.map(teamsRun), ...(spacing ? { spacing } : {}) }
}

/** The Workflows message around one card. */
export function teamsCard(body: unknown[], url: string | undefined, title: string): unknown {
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
          body,
          actions: url !== undefined && isHttpUrl(url) ? [{ type: 'Action.OpenUrl', title, url }] : [],
        },
      },
    ],
  }
}

export function renderTeams(alert: Alert): unknown {
  const facts = alertFacts(alert).map(({ label, value }) =>
    teamsParagraph([{ text: `${label}: `, weight: 'Bolder' }, { text: value }], 'None'),
  )
  return teamsCard(
    [
      teamsParagraph([
        { text: alertTitle(alert), size: 'Large', weight: 'Bolder', color: TEAMS_COLOR[alert.rule.severity] },
      ]),
      teamsParagraph([{ text: alertSummary(alert) }]),
      ...facts,
    ],
    alert.url,
    'Open in console',
  )
}
