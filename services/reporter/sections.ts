import type { Check } from './check.js'
import type { ReportData } from './data.js'
import { COLORS, type Section } from './document.js'
import { auditTrailEvidence } from './sections-audit-trail.js'
import type { FrameworkSection } from './frameworks.js'
import type { ReportText } from './i18n/index.js'

/** The security and compliance sections of the document. */

export function securitySections(data: ReportData, text: ReportText): Section[] {
  const s = data.security
  const t = text.report.security
  const severity = (value: string) => text.term('severity', value)
  const status = (value: string) => text.term('alertStatus', value)
  return [
    {
      id: 'security',
      title: t.title,
      blocks: [
        {
          kind: 'chart',
          chart: {
            kind: 'bars',
            title: t.alertsChart,
            labels: s.alertsBySeverity.map((row) => severity(row.label)),
            series: [
              { name: t.alerts, values: s.alertsBySeverity.map((row) => row.alerts), color: COLORS.failure },
            ],
          },
        },
        {
          kind: 'table',
          table: {
            id: 'alerts-by-severity',
            title: t.bySeverity,
            columns: [
              { label: t.severity, width: 2 },
              { label: t.alerts, align: 'right' },
              { label: t.events, align: 'right' },
            ],
            rows: s.alertsBySeverity.map((row) => [severity(row.label), row.alerts, row.events]),
            empty: t.noAlerts,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'alerts-by-rule',
            title: t.byRule,
            columns: [
              { label: t.rule, width: 2 },
              { label: t.ruleTitle, width: 3 },
              { label: t.alerts, align: 'right' },
              { label: t.events, align: 'right' },
            ],
            rows: s.alertsByRule.map((row) => [row.key, row.label, row.alerts, row.events]),
            empty: t.noAlerts,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'alerts-by-status',
            title: t.byStatus,
            columns: [
              { label: t.status, width: 2 },
              { label: t.alerts, align: 'right' },
              { label: t.events, align: 'right' },
            ],
            rows: s.alertsByStatus.map((row) => [status(row.label), row.alerts, row.events]),
            empty: t.noAlerts,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'incidents',
            title: t.incidents,
            columns: [
              { label: t.severity, width: 1.3 },
              { label: t.rule, width: 2.2 },
              { label: t.status, width: 1.5 },
              { label: t.events, align: 'right', width: 1 },
              { label: t.firstSeen, width: 2 },
              { label: t.summary, width: 2.6 },
            ],
            rows: s.incidents.map((i) => [
              severity(i.severity),
              i.rule,
              status(i.status),
              i.count,
              i.firstSeen.slice(0, 16).replace('T', ' '),
              i.summary,
            ]),
            empty: t.noIncidents,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'redaction',
            title: t.redaction,
            columns: [
              { label: t.type, width: 2 },
              { label: t.findings, align: 'right' },
              { label: t.events, align: 'right' },
            ],
            rows: s.redaction.map((row) => [text.term('redactionType', row.type), row.findings, row.events]),
            empty: t.noRedaction,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'authentication',
            title: text.format(t.authentication, { count: s.unauthenticatedCalls }),
            columns: [
              { label: t.authMethod, width: 2 },
              { label: t.calls, align: 'right' },
              { label: t.share, align: 'right' },
            ],
            rows: s.auth.map((row) => [text.term('authMethod', row.method), row.calls, text.pct(row.share)]),
            empty: t.noCalls,
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
  text: ReportText,
): Section[] {
  const c = data.compliance
  const t = text.report.compliance
  const label = text.report.common.status
  return [
    {
      id: 'checks',
      title: t.checks,
      blocks: [
        { kind: 'checks', checks },
        {
          kind: 'table',
          table: {
            id: 'checks',
            title: t.checkResults,
            columns: [
              { label: t.check, width: 1.6 },
              { label: t.status, width: 0.7 },
              { label: t.result, width: 4 },
            ],
            rows: checks.map((check) => [check.id, label[check.status], check.summary]),
          },
        },
      ],
    },
    ...frameworks.map((framework) => ({
      id: `framework-${framework.framework}`,
      title: text.format(t.frameworkSection, { framework: framework.title, status: label[framework.status] }),
      blocks: [
        {
          kind: 'table' as const,
          table: {
            id: `controls-${framework.framework}`,
            title: text.format(t.frameworkTable, { framework: framework.title }),
            columns: [
              { label: t.control, width: 1.3 },
              { label: t.requirement, width: 3.2 },
              { label: t.status, width: 0.7 },
              { label: t.checksColumn, width: 2.4 },
            ],
            rows: framework.controls.map((control) => [
              control.id,
              control.title,
              label[control.status],
              control.checks.join(', '),
            ]),
          },
        },
      ],
    })),
    {
      id: 'evidence',
      title: t.evidence,
      blocks: [
        {
          kind: 'table',
          table: {
            id: 'record-content',
            title: text.format(t.recordContent, { share: text.pct(c.recordContent.share) }),
            columns: [
              { label: t.field, width: 2 },
              { label: t.eventsWithIt, align: 'right' },
              { label: t.share, align: 'right' },
            ],
            rows: c.recordContent.fields.map((f) => [
              text.term('recordField', f.field),
              f.present,
              text.pct(f.share),
            ]),
          },
        },
        {
          kind: 'table',
          table: {
            id: 'completeness',
            title: t.shortfalls,
            columns: [
              { label: t.gateway, width: 2 },
              { label: t.hour, width: 1.6 },
              { label: t.acknowledged, align: 'right' },
              { label: t.stored, align: 'right' },
            ],
            rows: c.completeness.shortfalls.map((row) => [row.gateway, row.hour, row.accepted, row.stored]),
            empty: t.noShortfall,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'silent-gateways',
            title: t.silent,
            columns: [
              { label: t.gateway, width: 2 },
              { label: t.from, width: 1.6 },
              { label: t.to, width: 1.6 },
              { label: t.hours, align: 'right' },
            ],
            rows: c.completeness.silent.map((span) => [span.gateway, span.from, span.to, span.hours]),
            empty: t.noSilence,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'review',
            title: t.review,
            columns: [
              { label: t.when, width: 1.6 },
              { label: t.action, width: 1.4 },
              { label: t.by, width: 1.6 },
              { label: t.resource, width: 3 },
            ],
            rows: c.review.map((entry) => [
              entry.at.slice(0, 16).replace('T', ' '),
              text.term('reviewAction', entry.action),
              entry.actor,
              entry.resource,
            ]),
            empty: t.noReview,
          },
        },
        ...auditTrailEvidence(data, text),
        {
          kind: 'text',
          text: text.format(t.integrity, {
            key: data.signingKeyId,
            ingested: data.maxIngestedAt ?? text.report.common.notAvailable,
          }),
        },
      ],
    },
  ]
}
