import { createHash } from 'node:crypto'
import type { AppConfig } from '../../schemas/config.js'
import type { Logger } from '../platform/logger.js'
import { signStandardWebhook, validateWebhooks, type WebhookConfig } from '../webhooks/formats.js'
import { parseAllowList } from '../webhooks/ssrf.js'
import { createHttpTransport, type WebhookTransport } from '../webhooks/transport.js'
import { DeliveryError } from '../webhooks/errors.js'
import type { ReportRecord } from './types.js'

/**
 * Tells the configured webhooks that a report is ready: a Standard Webhooks `report.ready` body
 * with a download link to the console, signed like alerts, sent through the detector's SSRF-guarded
 * transport. Slack and Teams receive a text message. A few quick retries; a report that could not
 * be announced is still in the console.
 */

export interface ReportNotifier {
  notify(report: ReportRecord, webhookNames: readonly string[]): Promise<void>
}

const USER_AGENT = 'mcp-audit-reports/1'

export function reportLinks(report: ReportRecord, consoleUrl: string | undefined): Record<string, string> {
  if (!consoleUrl) return {}
  const base = consoleUrl.endsWith('/') ? consoleUrl : `${consoleUrl}/`
  const link = (suffix: string) =>
    new URL(`api/v1/reports/${encodeURIComponent(report.report_id)}${suffix}`, base).toString()
  const links: Record<string, string> = { report: link(''), manifest: link('/manifest') }
  for (const format of report.formats) links[format] = link(`/${format}`)
  return links
}

export function reportPayload(report: ReportRecord, consoleUrl: string | undefined): unknown {
  return {
    type: 'report.ready',
    timestamp: report.created_at,
    data: {
      report_id: report.report_id,
      tenant_id: report.tenant_id,
      name: report.name,
      period_from: report.period_from,
      period_to: report.period_to,
      timezone: report.timezone,
      checks: report.checks,
      manifest_sha256: report.manifest_sha256,
      links: reportLinks(report, consoleUrl),
    },
  }
}

function textMessage(report: ReportRecord, consoleUrl: string | undefined): string {
  const { pass, warn, fail } = report.checks
  const link = reportLinks(report, consoleUrl).pdf ?? reportLinks(report, consoleUrl).report ?? ''
  return `Report "${report.name}" for ${report.tenant_id} (${report.period_from} – ${report.period_to}) is ready: ${pass} pass, ${warn} warn, ${fail} fail. ${link}`.trim()
}

export function renderReportWebhook(
  report: ReportRecord,
  webhook: WebhookConfig,
  consoleUrl: string | undefined,
  now: Date,
) {
  const id = `msg_${createHash('sha256').update(`${report.report_id}\u0000${webhook.name}`).digest('hex').slice(0, 32)}`
  const text = textMessage(report, consoleUrl)
  const body = JSON.stringify(
    webhook.format === 'slack'
      ? { text }
      : webhook.format === 'teams'
        ? { text }
        : reportPayload(report, consoleUrl),
  )
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT }
  if (webhook.format === 'standard') {
    const timestamp = Math.floor(now.getTime() / 1000)
    headers['webhook-id'] = id
    headers['webhook-timestamp'] = String(timestamp)
    if (webhook.secret !== undefined)
      headers['webhook-signature'] = signStandardWebhook(id, timestamp, body, webhook.secret)
  }
  return { body, headers }
}

export function createReportNotifier(
  config: Pick<AppConfig, 'alerts' | 'console'>,
  logger: Logger,
  options: { transport?: WebhookTransport; attempts?: number; retryDelayMs?: number } = {},
): ReportNotifier {
  const log = logger.child({ component: 'reporter' })
  validateWebhooks(config.alerts.webhooks)
  const transport =
    options.transport ??
    createHttpTransport({ allowList: parseAllowList(config.alerts.allowPrivateNetworks) })
  const attempts = options.attempts ?? 3
  const delay = options.retryDelayMs ?? 2_000
  return {
    async notify(report, webhookNames) {
      for (const name of webhookNames) {
        const webhook = config.alerts.webhooks.find((w) => w.name === name)
        if (!webhook) continue
        if (webhook.format === 'pagerduty' || webhook.format === 'alertmanager') {
          log.warn({ webhook: name, format: webhook.format }, 'report_notification_format_unsupported')
          continue
        }
        for (let attempt = 1; attempt <= attempts; attempt += 1) {
          try {
            await transport.post({
              url: webhook.url,
              ...renderReportWebhook(report, webhook, config.console.publicUrl, new Date()),
            })
            log.info({ webhook: name, report_id: report.report_id }, 'report_notification_delivered')
            break
          } catch (err) {
            const retryable = err instanceof DeliveryError && err.retryable && attempt < attempts
            log.warn(
              { err, webhook: name, report_id: report.report_id, attempt },
              'report_notification_failed',
            )
            if (!retryable) break
            await new Promise((resolve) => setTimeout(resolve, delay * attempt))
          }
        }
      }
    },
  }
}
