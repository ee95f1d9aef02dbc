import type { Check } from './check.js'
import type { ReportData } from './data.js'
import { COLORS, type Section } from './document.js'
import { auditTrailEvidence } from './sections-audit-trail.js'
import type { FrameworkSection } from './frameworks.js'

/** The security and compliance sections of the document. */

const pct = (share: number) => `${(share * 100).toFixed(2)}%`
const STATUS_LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const

export function securitySections(data: ReportData): Section[] {
  const s = data.security
  return [
    {
      id: 'security',
      title: 'Security events',
      blocks: [
        {
          kind: 'chart',
          chart: {
            kind: 'bars',
            title: 'Alert count per severity',
            labels: s.alertsBySeverity.map((row) => row.label),
            series: [
              { name: 'Alerts', values: s.alertsBySeverity.map((row) => row.alerts), color: COLORS.failure },
            ],
          },
        },
        {
          kind: 'table',
          table: {
            id: 'alerts-by-severity',
            title: 'Alerts by severity',
            columns: [
              { label: 'Severity', width: 2 },
              { label: 'Alerts', align: 'right' },
              { label: 'Events', align: 'right' },
            ],
            rows: s.alertsBySeverity.map((row) => [row.label, row.alerts, row.events]),
            empty: 'No alerts in the period.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'alerts-by-rule',
            title: 'Alerts by rule',
            columns: [
              { label: 'Rule', width: 2 },
              { label: 'Title', width: 3 },
              { label: 'Alerts', align: 'right' },
              { label: 'Events', align: 'right' },
            ],
            rows: s.alertsByRule.map((row) => [row.key, row.label, row.alerts, row.events]),
            empty: 'No alerts in the period.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'alerts-by-status',
            title: 'Alerts by status',
            columns: [
              { label: 'Status', width: 2 },
              { label: 'Alerts', align: 'right' },
              { label: 'Events', align: 'right' },
            ],
            rows: s.alertsByStatus.map((row) => [row.label, row.alerts, row.events]),
            empty: 'No alerts in the period.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'incidents',
            title: 'Top incidents',
            columns: [
              { label: 'Severity', width: 1.3 },
              { label: 'Rule', width: 2.2 },
              { label: 'Status', width: 1.5 },
              { label: 'Events', align: 'right', width: 1 },
              { label: 'First seen (UTC)', width: 2 },
              { label: 'Summary', width: 2.6 },
            ],
            rows: s.incidents.map((i) => [
              i.severity,
              i.rule,
              i.status,
              i.count,
              i.firstSeen.slice(0, 16).replace('T', ' '),
              i.summary,
            ]),
            empty: 'No incidents in the period.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'redaction',
            title: 'Redaction findings by type',
            columns: [
              { label: 'Type', width: 2 },
              { label: 'Findings', align: 'right' },
              { label: 'Events', align: 'right' },
            ],
            rows: s.redaction.map((row) => [row.type, row.findings, row.events]),
            empty: 'Nothing needed redaction.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'authentication',
            title: `Authentication coverage (${s.unauthenticatedCalls.toLocaleString('en-US')} unauthenticated calls)`,
            columns: [
              { label: 'Auth method', width: 2 },
              { label: 'Calls', align: 'right' },
              { label: 'Share', align: 'right' },
            ],
            rows: s.auth.map((row) => [row.method, row.calls, pct(row.share)]),
            empty: 'No calls in the period.',
          },
        },
      ],
    },
  ]
}

export function complianceSections(
  data: ReportData,
  checks: Check[],
  frameworks: FrameworkSection[],
): Section[] {
  const c = data.compliance
  return [
    {
      id: 'checks',
      title: 'Compliance checks',
      blocks: [
        { kind: 'checks', checks },
        {
          kind: 'table',
          table: {
            id: 'checks',
            title: 'Check results',
            columns: [
              { label: 'Check', width: 1.6 },
              { label: 'Status', width: 0.7 },
              { label: 'Result', width: 4 },
            ],
            rows: checks.map((check) => [check.id, STATUS_LABEL[check.status], check.summary]),
          },
        },
      ],
    },
    ...frameworks.map((framework) => ({
      id: `framework-${framework.framework}`,
      title: `${framework.title}: ${STATUS_LABEL[framework.status]}`,
      blocks: [
        {
          kind: 'table' as const,
          table: {
            id: `controls-${framework.framework}`,
            title: `${framework.title}: controls and the checks that evidence them`,
            columns: [
              { label: 'Control', width: 1.3 },
              { label: 'Requirement', width: 3.2 },
              { label: 'Status', width: 0.7 },
              { label: 'Checks', width: 2.4 },
            ],
            rows: framework.controls.map((control) => [
              control.id,
              control.title,
              STATUS_LABEL[control.status],
              control.checks.join(', '),
            ]),
          },
        },
      ],
    })),
    {
      id: 'evidence',
      title: 'Evidence',
      blocks: [
        {
          kind: 'table',
          table: {
            id: 'record-content',
            title: `Record content: ${pct(c.recordContent.share)} of events complete`,
            columns: [
              { label: 'Field', width: 2 },
              { label: 'Events with it', align: 'right' },
              { label: 'Share', align: 'right' },
            ],
            rows: c.recordContent.fields.map((f) => [f.field, f.present, pct(f.share)]),
          },
        },
        {
          kind: 'table',
          table: {
            id: 'completeness',
            title: 'Gateway-hours with fewer stored events than acknowledged (UTC)',
            columns: [
              { label: 'Gateway', width: 2 },
              { label: 'Hour', width: 1.6 },
              { label: 'Acknowledged', align: 'right' },
              { label: 'Stored', align: 'right' },
            ],
            rows: c.completeness.shortfalls.map((row) => [row.gateway, row.hour, row.accepted, row.stored]),
            empty: 'Every acknowledged event is stored.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'silent-gateways',
            title: 'Silent gateways (UTC)',
            columns: [
              { label: 'Gateway', width: 2 },
              { label: 'From', width: 1.6 },
              { label: 'To', width: 1.6 },
              { label: 'Hours', align: 'right' },
            ],
            rows: c.completeness.silent.map((span) => [span.gateway, span.from, span.to, span.hours]),
            empty: 'No gateway fell silent.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'review',
            title: 'Review evidence: report generations and downloads (90 days)',
            columns: [
              { label: 'When (UTC)', width: 1.6 },
              { label: 'Action', width: 1.4 },
              { label: 'By', width: 1.6 },
              { label: 'Resource', width: 3 },
            ],
            rows: c.review.map((entry) => [
              entry.at.slice(0, 16).replace('T', ' '),
              entry.action,
              entry.actor,
              entry.resource,
            ]),
            empty: 'No earlier report generation or download.',
          },
        },
        ...auditTrailEvidence(data),
        {
          kind: 'text',
          text:
            `Integrity: this report's files are listed with their SHA-256 in manifest.json, signed with Ed25519 key ${data.signingKeyId}. ` +
            `Verify a copy with: mcp-audit report verify manifest.json. The report counts events ingested up to ${data.maxIngestedAt ?? 'n/a'}.`,
        },
      ],
    },
  ]
}
