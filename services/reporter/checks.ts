import type { Check, CheckStatus } from './check.js'
import { auditTrailCheck } from './checks-audit-trail.js'
import { retentionChecks } from './checks-retention.js'
import { storageEncryptionCheck } from './checks-storage-encryption.js'
import type { ReportData } from './data.js'

/**
 * Compliance checks: pure functions of a report's figures. Each says pass, warn or fail and lists
 * the evidence an auditor would ask for; the framework sections map them to controls.
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

const pct = (share: number) => `${(share * 100).toFixed(2)}%`
const count = (n: number) => n.toLocaleString('en-US')

function capped(lines: string[], more: (n: number) => string): string[] {
  return lines.length <= MAX_EVIDENCE
    ? lines
    : [...lines.slice(0, MAX_EVIDENCE), more(lines.length - MAX_EVIDENCE)]
}

function completenessChecks(data: ReportData, thresholds: CheckThresholds): Check[] {
  const facts = data.compliance.completeness
  const missing = facts.shortfalls.reduce((sum, row) => sum + (row.accepted - row.stored), 0)
  const receipts: Check = {
    id: 'completeness-receipts',
    title: 'Acknowledged events are all stored',
    status: facts.shortfalls.length > 0 ? 'fail' : facts.receiptsAccepted === 0 ? 'warn' : 'pass',
    summary:
      facts.shortfalls.length > 0
        ? `${count(missing)} acknowledged events are missing in ${facts.shortfalls.length} gateway-hours`
        : facts.receiptsAccepted === 0
          ? 'no collector receipts in the period to reconcile against'
          : `${count(facts.receiptsAccepted)} acknowledged events reconciled per gateway and hour`,
    evidence: capped(
      [
        `gateways: ${facts.gateways.join(', ') || 'none'}; hours checked: ${facts.hoursChecked}`,
        `receipts accepted ${count(facts.receiptsAccepted)}, stored for those gateway-hours ${count(facts.storedWithReceipts)}`,
        ...facts.shortfalls.map(
          (row) => `${row.gateway} ${row.hour}: accepted ${row.accepted}, stored ${row.stored}`,
        ),
      ],
      (n) => `… and ${n} more gateway-hours (see completeness.csv)`,
    ),
  }
  const silentHours = facts.silent.reduce((sum, span) => sum + span.hours, 0)
  const gaps: Check = {
    id: 'completeness-gaps',
    title: 'No gateway fell silent',
    status: facts.silent.length > 0 ? 'fail' : facts.gateways.length === 0 ? 'warn' : 'pass',
    summary:
      facts.silent.length > 0
        ? `${silentHours} silent gateway-hours in ${facts.silent.length} gaps`
        : facts.gateways.length === 0
          ? 'no gateway sent events in the period'
          : `every gateway sent events in each of the ${facts.hoursChecked} hours`,
    evidence: capped(
      facts.silent.map((span) => `${span.gateway} silent ${span.from} → ${span.to} (${span.hours} h)`),
      (n) => `… and ${n} more gaps (see completeness.csv)`,
    ),
  }
  const lag = facts.lagP95Ms
  const lagCheck: Check = {
    id: 'ingestion-lag',
    title: 'Ingestion lag',
    status:
      lag === null
        ? 'warn'
        : lag > thresholds.lagFailMs
          ? 'fail'
          : lag > thresholds.lagWarnMs
            ? 'warn'
            : 'pass',
    summary:
      lag === null
        ? 'no events to measure'
        : `p95 ${(lag / 1000).toFixed(1)} s from collector receipt to storage`,
    evidence: [
      `p50 ${facts.lagP50Ms ?? '–'} ms, p95 ${facts.lagP95Ms ?? '–'} ms, max ${facts.lagMaxMs ?? '–'} ms`,
      `warn above ${thresholds.lagWarnMs / 1000} s, fail above ${thresholds.lagFailMs / 1000} s`,
    ],
  }
  return [receipts, gaps, lagCheck]
}

function recordContentCheck(data: ReportData, thresholds: CheckThresholds): Check {
  const record = data.compliance.recordContent
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
    title: 'Records carry every required field (PCI DSS 10.2.2, NIST AU-3)',
    status,
    summary: `${pct(record.share)} of ${count(record.events)} events carry user, type, time, outcome, origin and resource`,
    evidence: record.fields.map((field) => `${field.field}: ${pct(field.share)} (${count(field.present)})`),
  }
}

function securityChecks(data: ReportData): Check[] {
  const { security, summary } = data
  const openSerious = security.incidents.filter(
    (incident) =>
      incident.status === 'open' && (incident.severity === 'high' || incident.severity === 'critical'),
  )
  const totalAlerts = security.alertsBySeverity.reduce((sum, row) => sum + row.alerts, 0)
  const share = summary.calls === 0 ? 0 : security.unauthenticatedCalls / summary.calls
  const redacted = security.redaction.reduce((sum, row) => sum + row.findings, 0)
  return [
    {
      id: 'security-alerts',
      title: 'Security events reviewed',
      status: openSerious.length > 0 ? 'warn' : 'pass',
      summary:
        openSerious.length > 0
          ? `${openSerious.length} high or critical alerts are still open`
          : `${totalAlerts} alerts in the period, none high or critical left open`,
      evidence: [
        ...security.alertsByStatus.map((row) => `${row.label}: ${row.alerts}`),
        ...openSerious
          .slice(0, 5)
          .map((incident) => `open: ${incident.severity} ${incident.rule} (${incident.alertId})`),
      ],
    },
    {
      id: 'authentication',
      title: 'Calls are authenticated',
      status: security.unauthenticatedCalls === 0 ? 'pass' : share > 0.05 ? 'fail' : 'warn',
      summary: `${count(security.unauthenticatedCalls)} unauthenticated calls (${pct(share)})`,
      evidence: security.auth.map((row) => `${row.method}: ${count(row.calls)} (${pct(row.share)})`),
    },
    {
      id: 'redaction',
      title: 'Personal data and secrets redacted before storage',
      status: 'pass',
      summary: `${count(redacted)} findings redacted; user ids stored as keyed pseudonyms`,
      evidence: security.redaction.map(
        (row) => `${row.type}: ${count(row.findings)} in ${count(row.events)} events`,
      ),
    },
  ]
}

function clockCheck(data: ReportData): Check {
  const { futureEvents } = data.compliance.completeness
  return {
    id: 'clock-skew',
    title: 'Event times consistent with receipt times',
    status: futureEvents === 0 ? 'pass' : 'warn',
    summary:
      futureEvents === 0
        ? 'no event is stamped later than the collector received it'
        : `${count(futureEvents)} events are stamped over a minute after the collector received them`,
    evidence: [`events checked: ${count(data.summary.calls)}`],
  }
}

function integrityCheck(integrity: IntegrityFacts): Check {
  const broken = integrity.previous.filter((report) => !report.ok)
  return {
    id: 'integrity',
    title: 'Report integrity',
    status: broken.length > 0 ? 'fail' : 'pass',
    summary:
      broken.length > 0
        ? `${broken.length} earlier reports no longer match their signed manifests`
        : `signed manifest (Ed25519, key ${integrity.keyId}); ${integrity.previous.length} earlier reports verified`,
    evidence: [
      `this report: manifest.json lists the SHA-256 of every file, signed with key ${integrity.keyId}; check with \`mcp-audit report verify\``,
      ...integrity.previous.map(
        (report) => `${report.reportId}: ${report.ok ? 'verified' : report.problems.join('; ')}`,
      ),
    ],
  }
}

function reviewCheck(data: ReportData): Check {
  const review = data.compliance.review
  return {
    id: 'review-evidence',
    title: 'Audit logs are reviewed',
    status: review.length > 0 ? 'pass' : 'warn',
    summary:
      review.length > 0
        ? `${review.length} report generations and downloads in the 90 days to the period end`
        : 'no earlier report was generated or downloaded in the 90 days to the period end',
    evidence: capped(
      review.map((entry) => `${entry.at} ${entry.action} by ${entry.actor} (${entry.resource})`),
      (n) => `… and ${n} more`,
    ),
  }
}

export function evaluateChecks(
  data: ReportData,
  integrity: IntegrityFacts,
  thresholds: CheckThresholds = DEFAULT_THRESHOLDS,
): Check[] {
  return [
    ...retentionChecks(data),
    ...completenessChecks(data, thresholds),
    recordContentCheck(data, thresholds),
    ...securityChecks(data),
    clockCheck(data),
    integrityCheck(integrity),
    auditTrailCheck(data),
    storageEncryptionCheck(data.compliance.storageEncryption, data.signingKeyId),
    reviewCheck(data),
  ]
}

export function tally(checks: readonly Check[]): { pass: number; warn: number; fail: number } {
  return {
    pass: checks.filter((c) => c.status === 'pass').length,
    warn: checks.filter((c) => c.status === 'warn').length,
    fail: checks.filter((c) => c.status === 'fail').length,
  }
}
