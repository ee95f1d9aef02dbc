import type { ExportAlert, ExportReport } from '../../../schemas/export-record.js'
import { Attributes, nanos, SEVERITY, type LogRecord } from './otlp-values.js'

/**
 * Alerts and report-ready notices as OTLP log records, beside the events (otlp-format.ts): each
 * kind has its own `eventName`, so a backend can route them apart; `log.record.uid` is the alert or
 * report id, which stays the same when a record is sent again. No OpenTelemetry convention covers
 * detections or compliance reports: everything but the general names is `mcp_audit.*`.
 */

export const OTLP_ALERT_EVENT_NAME = 'mcp.audit.alert'
export const OTLP_REPORT_EVENT_NAME = 'mcp.audit.report'

/** A rule's severity on OTLP's scale: critical FATAL, high ERROR, medium WARN, low and info INFO. */
function alertSeverity(severity: ExportAlert['rule']['severity']) {
  if (severity === 'critical') return SEVERITY.fatal
  if (severity === 'high') return SEVERITY.error
  if (severity === 'medium') return SEVERITY.warn
  return SEVERITY.info
}

const sortedEntries = (record: Record<string, string>) =>
  Object.entries(record).sort(([a], [b]) => a.localeCompare(b))

export function alertLogRecord(alert: ExportAlert): LogRecord {
  const attributes = new Attributes()
    .string('log.record.uid', alert.id)
    .string('mcp_audit.alert.status', alert.status)
    .string('mcp_audit.rule.id', alert.rule.id)
    .string('mcp_audit.rule.title', alert.rule.title)
    .string('mcp_audit.rule.severity', alert.rule.severity)
    .string('mcp_audit.rule.kind', alert.rule.kind)
    .strings('mcp_audit.rule.tags', alert.rule.tags)
    .int('mcp_audit.alert.count', alert.count)
    .double('mcp_audit.alert.value', alert.value)
    .string('mcp_audit.alert.first_seen', alert.first_seen)
    .string('mcp_audit.alert.last_seen', alert.last_seen)
    .strings('mcp_audit.alert.sample_event_ids', alert.sample_event_ids)
    .string('mcp_audit.alert.url', alert.url)
  for (const [key, value] of sortedEntries(alert.group))
    attributes.string(`mcp_audit.alert.group.${key}`, value)
  return {
    timeUnixNano: nanos(alert.time),
    observedTimeUnixNano: nanos(alert.last_seen),
    ...alertSeverity(alert.rule.severity),
    eventName: OTLP_ALERT_EVENT_NAME,
    body: { stringValue: `${alert.rule.severity} alert ${alert.rule.id}: ${alert.summary}` },
    attributes: attributes.list,
  }
}

export function reportLogRecord(report: ExportReport): LogRecord {
  const attributes = new Attributes()
    .string('log.record.uid', report.id)
    .string('mcp_audit.report.name', report.name)
    .string('mcp_audit.report.schedule', report.schedule)
    .string('mcp_audit.report.period.from', report.period.from)
    .string('mcp_audit.report.period.to', report.period.to)
    .string('mcp_audit.report.period.timezone', report.period.timezone)
    .strings('mcp_audit.report.frameworks', report.frameworks)
    .strings('mcp_audit.report.formats', report.formats)
    .int('mcp_audit.report.checks.pass', report.checks.pass)
    .int('mcp_audit.report.checks.warn', report.checks.warn)
    .int('mcp_audit.report.checks.fail', report.checks.fail)
    .string('mcp_audit.report.manifest.sha256', report.manifest.sha256)
    .string('mcp_audit.report.manifest.signature.key_id', report.manifest.signature?.key_id)
    .string('mcp_audit.report.manifest.signature.value', report.manifest.signature?.value)
  for (const [key, value] of sortedEntries(report.links))
    attributes.string(`mcp_audit.report.links.${key}`, value)
  const { pass, warn, fail } = report.checks
  return {
    timeUnixNano: nanos(report.time),
    observedTimeUnixNano: nanos(report.time),
    // A report with failed checks is worth a look in a log view, not an error of the pipeline.
    ...(fail > 0 ? SEVERITY.warn : SEVERITY.info),
    eventName: OTLP_REPORT_EVENT_NAME,
    body: {
      stringValue: `report ${report.name} ready (${report.period.from} to ${report.period.to}): ${pass} pass, ${warn} warn, ${fail} fail`,
    },
    attributes: attributes.list,
  }
}
