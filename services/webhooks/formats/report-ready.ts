import type { ReportReady } from '../messages.js'
import { plainLine } from './common.js'
import { SUMMARY_MAX } from './facts.js'
import { slackEscape, slackRichText } from './slack.js'
import { teamsCard, teamsParagraph } from './teams.js'

/**
 * A report notice: the Standard Webhooks `report.ready` event with the report's download links,
 * or one line of text for chat webhooks (Slack, Teams), shown literally like an alert's facts (a
 * report's name is chosen by whoever asked for it). PagerDuty and Alertmanager take incidents, not
 * notices: they have no form of it.
 */

export function renderReportStandard(report: ReportReady): unknown {
  const { created_at, ...data } = report
  return { type: 'report.ready', timestamp: created_at, data }
}

function reportLine(report: ReportReady): string {
  const { pass, warn, fail } = report.checks
  return plainLine(
    `Report "${report.name}" for ${report.tenant_id} (${report.period_from} – ${report.period_to}) is ready: ` +
      `${pass} pass, ${warn} warn, ${fail} fail.`,
    SUMMARY_MAX,
  )
}

/** The PDF, else the report's page in the console; none without `console.publicUrl`. */
function reportLink(report: ReportReady): string | undefined {
  return report.links.pdf ?? report.links.report
}

export function renderReportSlack(report: ReportReady): unknown {
  const link = reportLink(report)
  const runs = [
    { text: reportLine(report) },
    ...(link === undefined ? [] : [{ text: ' ' }, { text: link, url: link }]),
  ]
  return {
    text: slackEscape(`Report for ${report.tenant_id} is ready`, SUMMARY_MAX),
    blocks: [slackRichText(runs)],
  }
}

export function renderReportTeams(report: ReportReady): unknown {
  return teamsCard([teamsParagraph([{ text: reportLine(report) }])], reportLink(report), 'Open the report')
}
