import type { Check, CheckStatus } from './check.js'
import { accessControlCheck } from './checks-access.js'
import { auditTrailCheck } from './checks-audit-trail.js'
import { residencyCheck, transportCheck } from './checks-residency.js'
import { retentionChecks } from './checks-retention.js'
import { storageEncryptionCheck } from './checks-storage-encryption.js'
import type { ReportData } from './data.js'
import { reportText, type ReportText } from './i18n/index.js'

/**
 * Compliance checks: pure functions of a report's figures. Each says pass, warn or fail and lists
 * the evidence an auditor would ask for; the framework sections map them to controls. Their texts
 * come from the message catalogs (i18n/checks-*.ts), keyed by check id.
 */

export interface IntegrityFacts {
  keyId: string
  /** Earlier reports of the tenant whose files were verified against their manifests now. */
  previous: Array<{ reportId: string; ok: boolean; problems: string[] }>
}

export interface CheckThresholds {
  /** Share of events carrying every required field to pass (below: warn, below warnShare: fail). */
  recordPassShare: number
  recordWarnShare: number
  lagWarnMs: number
  lagFailMs: number
}

export const DEFAULT_THRESHOLDS: CheckThresholds = {
  recordPassShare: 0.99,
  recordWarnShare: 0.95,
  lagWarnMs: 5 * 60_000,
  lagFailMs: 60 * 60_000,
}

const MAX_EVIDENCE = 12

function capped(lines: string[], more: (n: number) => string): string[] {
  return lines.length <= MAX_EVIDENCE
    ? lines
    : [...lines.slice(0, MAX_EVIDENCE), more(lines.length - MAX_EVIDENCE)]
}

function completenessChecks(data: ReportData, thresholds: CheckThresholds, text: ReportText): Check[] {
  const { format } = text
  const facts = data.compliance.completeness
  const missing = facts.shortfalls.reduce((sum, row) => sum + (row.accepted - row.stored), 0)
  const m = text.checks['completeness-receipts']
  const receipts: Check = {
    id: 'completeness-receipts',
    title: m.title,
    status: facts.shortfalls.length > 0 ? 'fail' : facts.receiptsAccepted === 0 ? 'warn' : 'pass',
    summary:
      facts.shortfalls.length > 0
        ? format(m.fail, { missing, hours: String(facts.shortfalls.length) })
        : facts.receiptsAccepted === 0
          ? m.warn
          : format(m.pass, { accepted: facts.receiptsAccepted }),
    evidence: capped(
      [
        format(m.gateways, {
          gateways: facts.gateways.join(', ') || text.report.common.none,
          hours: String(facts.hoursChecked),
        }),
        format(m.receipts, { accepted: facts.receiptsAccepted, stored: facts.storedWithReceipts }),
        ...facts.shortfalls.map((row) =>
          format(m.shortfall, {
            gateway: row.gateway,
            hour: row.hour,
            accepted: String(row.accepted),
            stored: String(row.stored),
          }),
        ),
      ],
      (n) => format(m.more, { n: String(n) }),
    ),
  }
  const silentHours = facts.silent.reduce((sum, span) => sum + span.hours, 0)
  const g = text.checks['completeness-gaps']
  const gaps: Check = {
    id: 'completeness-gaps',
    title: g.title,
    status: facts.silent.length > 0 ? 'fail' : facts.gateways.length === 0 ? 'warn' : 'pass',
    summary:
      facts.silent.length > 0
        ? format(g.fail, { hours: String(silentHours), gaps: String(facts.silent.length) })
        : facts.gateways.length === 0
          ? g.warn
          : format(g.pass, { hours: String(facts.hoursChecked) }),
    evidence: capped(
      facts.silent.map((span) =>
        format(g.silent, { gateway: span.gateway, from: span.from, to: span.to, hours: String(span.hours) }),
      ),
      (n) => format(g.more, { n: String(n) }),
    ),
  }
  const lag = facts.lagP95Ms
  const l = text.checks['ingestion-lag']
  const ms = (value: number | null) => (value === null ? '–' : String(value))
  const lagCheck: Check = {
    id: 'ingestion-lag',
    title: l.title,
    status:
      lag === null
        ? 'warn'
        : lag > thresholds.lagFailMs
          ? 'fail'
          : lag > thresholds.lagWarnMs
            ? 'warn'
            : 'pass',
    summary: lag === null ? l.none : format(l.summary, { seconds: (lag / 1000).toFixed(1) }),
    evidence: [
      format(l.percentiles, { p50: ms(facts.lagP50Ms), p95: ms(facts.lagP95Ms), max: ms(facts.lagMaxMs) }),
      format(l.thresholds, {
        warn: String(thresholds.lagWarnMs / 1000),
        fail: String(thresholds.lagFailMs / 1000),
      }),
    ],
  }
  return [receipts, gaps, lagCheck]
}

function recordContentCheck(data: ReportData, thresholds: CheckThresholds, text: ReportText): Check {
  const record = data.compliance.recordContent
  const m = text.checks['record-content']
  const status: CheckStatus =
    record.events === 0
      ? 'warn'
      : record.share >= thresholds.recordPassShare
        ? 'pass'
        : record.share >= thresholds.recordWarnShare
          ? 'warn'
          : 'fail'
  return {
    id: 'record-content',
    title: m.title,
    status,
    summary: text.format(m.summary, { share: text.pct(record.share), events: record.events }),
    evidence: record.fields.map((field) =>
      text.format(m.field, {
        field: text.term('recordField', field.field),
        share: text.pct(field.share),
        present: field.present,
      }),
    ),
  }
}

function securityChecks(data: ReportData, text: ReportText): Check[] {
  const { format } = text
  const { security, summary } = data
  const openSerious = security.incidents.filter(
    (incident) =>
      incident.status === 'open' && (incident.severity === 'high' || incident.severity === 'critical'),
  )
  const totalAlerts = security.alertsBySeverity.reduce((sum, row) => sum + row.alerts, 0)
  const share = summary.calls === 0 ? 0 : security.unauthenticatedCalls / summary.calls
  const redacted = security.redaction.reduce((sum, row) => sum + row.findings, 0)
  const alerts = text.checks['security-alerts']
  const auth = text.checks.authentication
  const redaction = text.checks.redaction
  return [
    {
      id: 'security-alerts',
      title: alerts.title,
      status: openSerious.length > 0 ? 'warn' : 'pass',
      summary:
        openSerious.length > 0
          ? format(alerts.warn, { open: String(openSerious.length) })
          : format(alerts.pass, { alerts: String(totalAlerts) }),
      evidence: [
        ...security.alertsByStatus.map((row) =>
          format(alerts.byStatus, {
            status: text.term('alertStatus', row.label),
            alerts: String(row.alerts),
          }),
        ),
        ...openSerious.slice(0, 5).map((incident) =>
          format(alerts.open, {
            severity: text.term('severity', incident.severity),
            rule: incident.rule,
            alert: incident.alertId,
          }),
        ),
      ],
    },
    {
      id: 'authentication',
      title: auth.title,
      status: security.unauthenticatedCalls === 0 ? 'pass' : share > 0.05 ? 'fail' : 'warn',
      summary: format(auth.summary, { count: security.unauthenticatedCalls, share: text.pct(share) }),
      evidence: security.auth.map((row) =>
        format(auth.method, {
          method: text.term('authMethod', row.method),
          calls: row.calls,
          share: text.pct(row.share),
        }),
      ),
    },
    {
      id: 'redaction',
      title: redaction.title,
      status: 'pass',
      summary: format(redaction.summary, { count: redacted }),
      evidence: security.redaction.map((row) =>
        format(redaction.type, {
          type: text.term('redactionType', row.type),
          findings: row.findings,
          events: row.events,
        }),
      ),
    },
  ]
}

function clockCheck(data: ReportData, text: ReportText): Check {
  const { futureEvents } = data.compliance.completeness
  const m = text.checks['clock-skew']
  return {
    id: 'clock-skew',
    title: m.title,
    status: futureEvents === 0 ? 'pass' : 'warn',
    summary: futureEvents === 0 ? m.pass : text.format(m.warn, { count: futureEvents }),
    evidence: [text.format(m.checked, { count: data.summary.calls })],
  }
}

function integrityCheck(integrity: IntegrityFacts, text: ReportText): Check {
  const broken = integrity.previous.filter((report) => !report.ok)
  const m = text.checks.integrity
  return {
    id: 'integrity',
    title: m.title,
    status: broken.length > 0 ? 'fail' : 'pass',
    summary:
      broken.length > 0
        ? text.format(m.fail, { broken: String(broken.length) })
        : text.format(m.pass, { key: integrity.keyId, previous: String(integrity.previous.length) }),
    evidence: [
      text.format(m.manifest, { key: integrity.keyId }),
      ...integrity.previous.map((report) =>
        report.ok
          ? text.format(m.verified, { report: report.reportId })
          : text.format(m.problems, {
              report: report.reportId,
              problems: report.problems.join(text.report.common.listSeparator),
            }),
      ),
    ],
  }
}

function reviewCheck(data: ReportData, text: ReportText): Check {
  const review = data.compliance.review
  const m = text.checks['review-evidence']
  return {
    id: 'review-evidence',
    title: m.title,
    status: review.length > 0 ? 'pass' : 'warn',
    summary: review.length > 0 ? text.format(m.pass, { entries: String(review.length) }) : m.warn,
    evidence: capped(
      review.map((entry) =>
        text.format(m.entry, {
          at: entry.at,
          action: text.term('reviewAction', entry.action),
          actor: entry.actor,
          resource: entry.resource,
        }),
      ),
      (n) => text.format(m.more, { n: String(n) }),
    ),
  }
}

/** Every check of the report, its texts in the language of `text` (English by default). */
export function evaluateChecks(
  data: ReportData,
  integrity: IntegrityFacts,
  thresholds: CheckThresholds = DEFAULT_THRESHOLDS,
  text: ReportText = reportText(),
): Check[] {
  return [
    ...retentionChecks(data, text),
    ...completenessChecks(data, thresholds, text),
    recordContentCheck(data, thresholds, text),
    ...securityChecks(data, text),
    accessControlCheck(data, text),
    clockCheck(data, text),
    integrityCheck(integrity, text),
    auditTrailCheck(data, text),
    storageEncryptionCheck(data.compliance.storageEncryption, data.signingKeyId, text),
    reviewCheck(data, text),
    residencyCheck(data.compliance.residency, text),
    transportCheck(data.compliance.transport, text),
  ]
}

export function tally(checks: readonly Check[]): { pass: number; warn: number; fail: number } {
  return {
    pass: checks.filter((c) => c.status === 'pass').length,
    warn: checks.filter((c) => c.status === 'warn').length,
    fail: checks.filter((c) => c.status === 'fail').length,
  }
}
