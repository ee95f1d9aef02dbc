import type { ReportReady } from '../messages.js'

/**
 * A report notice: the Standard Webhooks `report.ready` event with the report's download links,
 * or one line of text for chat webhooks (Slack, Teams). PagerDuty and Alertmanager take incidents,
 * not notices: they have no form of it.
 */

export function renderReportStandard(report: ReportReady): unknown {
  const { created_at, ...data } = report
  return { type: 'report.ready', timestamp: created_at, data }
}

export function renderReportText(report: ReportReady): unknown {
  const { pass, warn, fail } = report.checks
  const link = report.links.pdf ?? report.links.report ?? ''
  const text =
    `Report "${report.name}" for ${report.tenant_id} (${report.period_from} – ${report.period_to}) is ready: ` +
    `${pass} pass, ${warn} warn, ${fail} fail. ${link}`
  return { text: text.trim() }
}
