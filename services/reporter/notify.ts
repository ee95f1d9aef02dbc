import type { DeliveryOutbox, ReportReady } from '../webhooks/index.js'
import type { ReportRecord } from './types.js'

/**
 * Tells the configured webhooks that a report is ready: a `report.ready` message with download
 * links to the console, enqueued to the webhook outbox, which signs, delivers and retries it
 * like an alert (and keeps it across restarts). A report that could not be announced is still in
 * the console.
 */

export interface ReportNotifier {
  notify(report: ReportRecord, webhookNames: readonly string[]): Promise<void>
}

export function reportLinks(report: ReportRecord, consoleUrl: string | undefined): Record<string, string> {
  if (!consoleUrl) return {}
  const base = consoleUrl.endsWith('/') ? consoleUrl : `${consoleUrl}/`
  const link = (suffix: string) =>
    new URL(`api/v1/reports/${encodeURIComponent(report.report_id)}${suffix}`, base).toString()
  const links: Record<string, string> = { report: link(''), manifest: link('/manifest') }
  for (const format of report.formats) links[format] = link(`/${format}`)
  return links
}

export function reportReady(report: ReportRecord, consoleUrl: string | undefined): ReportReady {
  return {
    report_id: report.report_id,
    tenant_id: report.tenant_id,
    name: report.name,
    period_from: report.period_from,
    period_to: report.period_to,
    timezone: report.timezone,
    checks: report.checks,
    manifest_sha256: report.manifest_sha256,
    links: reportLinks(report, consoleUrl),
    created_at: report.created_at,
  }
}

/** `consoleUrl`: the console's public address (`console.publicUrl`); without it, notices carry no links. */
export function createReportNotifier(outbox: DeliveryOutbox, consoleUrl: string | undefined): ReportNotifier {
  return {
    notify: (report, webhookNames) => outbox.enqueueReport(reportReady(report, consoleUrl), webhookNames),
  }
}
