import type { Framework as FrameworkSchema } from '../../schemas/config.js'
import type { Check, CheckStatus } from './check.js'
import { reportText, type ReportText } from './i18n/index.js'
import type { z } from 'zod'

/**
 * The frameworks a tenant can name and how our checks map to their controls. Sources:
 * /work/shared/reference/detection-and-compliance.md §3 (PCI DSS v4.0.1 Req. 10, SOC 2 TSC,
 * ISO/IEC 27001:2022 Annex A, HIPAA 45 CFR 164, GDPR, NIST SP 800-53 r5, EU AI Act).
 */

export type Framework = z.infer<typeof FrameworkSchema>

export interface FrameworkInfo {
  title: string
  /** Days events must be kept at least, when the framework sets a floor. */
  minimumDays?: number
  /** Days that must stay immediately available (PCI DSS 10.5.1: three months). */
  hotDays?: number
  retentionSource?: string
  controls: Array<{ id: string; title: string; checks: string[] }>
}

/** A control as written below: its id, its requirement, and the checks that evidence it. */
type ControlRow = [id: string, title: string, checks: string[]]

function controls(...rows: ControlRow[]): FrameworkInfo['controls'] {
  return rows.map(([id, title, checks]) => ({ id, title, checks }))
}

export const FRAMEWORKS: Record<Framework, FrameworkInfo> = {
  'pci-dss': {
    title: 'PCI DSS v4.0.1 Requirements 3.5, 4.2, 7.2 and 10',
    minimumDays: 365,
    hotDays: 90,
    retentionSource: 'PCI DSS 10.5.1: 12 months, the latest 3 immediately available',
    controls: controls(
      [
        '3.5.1',
        'Stored account data rendered unreadable (strong cryptography at rest)',
        ['storage-encryption'],
      ],
      [
        '4.2.1',
        'Strong cryptography for data in transmission (calls to MCP servers, Kafka)',
        ['transport-encryption', 'storage-encryption'],
      ],
      ['7.2', 'Access by job function and least privilege (Requirement 7)', ['access-control']],
      [
        '10.2.1',
        'Audit logs capture user activity, incl. 10.2.1.3 access to audit logs',
        ['record-content', 'review-evidence'],
      ],
      ['10.2.2', 'Each record: user, type, time, outcome, origin, resource', ['record-content']],
      ['10.3.2', 'Audit log files protected from modification', ['audit-trail-integrity']],
      ['10.3.4', 'Change detection on audit logs', ['integrity', 'audit-trail-integrity']],
      ['10.4.1.1', 'Automated log review', ['security-alerts']],
      [
        '10.5.1',
        'Retain 12 months, 3 immediately available',
        ['retention-minimum', 'retention-availability'],
      ],
      ['10.6', 'Time synchronisation', ['clock-skew']],
      [
        '10.7.2',
        'Failures of logging systems detected',
        ['completeness-receipts', 'completeness-gaps', 'ingestion-lag'],
      ],
    ),
  },
  soc2: {
    title: 'SOC 2 Trust Services Criteria',
    controls: controls(
      [
        'CC7.2',
        'Monitor system components for anomalies',
        ['security-alerts', 'completeness-gaps', 'authentication', 'audit-trail-integrity'],
      ],
      ['CC6.1', 'Logical access restricted to authorized users', ['access-control']],
      ['CC6.3', 'Access granted by role, least privilege', ['access-control']],
      ['CC7.3', 'Evaluate security events', ['security-alerts', 'review-evidence']],
    ),
  },
  iso27001: {
    title: 'ISO/IEC 27001:2022 Annex A',
    controls: controls(
      [
        'A.8.15',
        'Logging: produce, store, protect, analyse',
        ['record-content', 'integrity', 'audit-trail-integrity', 'completeness-receipts'],
      ],
      ['A.8.16', 'Monitoring activities', ['security-alerts', 'completeness-gaps']],
      ['A.8.17', 'Clock synchronisation', ['clock-skew']],
      [
        'A.8.24',
        'Use of cryptography (in transit and at rest)',
        ['transport-encryption', 'storage-encryption'],
      ],
      ['A.5.15', 'Access control', ['access-control']],
      ['A.8.2', 'Privileged access rights', ['access-control']],
    ),
  },
  hipaa: {
    title: 'HIPAA Security Rule',
    minimumDays: 2190,
    retentionSource: 'HIPAA 164.316(b)(2)(i): 6 years for documentation (applied to audit logs)',
    controls: controls(
      [
        '164.312(b)',
        'Audit controls: record and examine activity',
        ['record-content', 'security-alerts', 'review-evidence'],
      ],
      ['164.312(a)(1)', 'Access control: only granted rights', ['access-control']],
      ['164.312(a)(2)(iv)', 'Encryption and decryption of ePHI', ['storage-encryption']],
      ['164.312(c)(1)', 'Integrity', ['integrity', 'audit-trail-integrity']],
      ['164.312(e)', 'Transmission security', ['transport-encryption']],
      ['164.316(b)(2)(i)', 'Retention of documentation, 6 years', ['retention-minimum']],
    ),
  },
  gdpr: {
    title: 'GDPR',
    controls: controls(
      ['Art. 5(1)(e)', 'Storage limitation (maximum)', ['retention-maximum']],
      [
        'Art. 5(1)(f), 32(1)',
        'Security of processing: pseudonymisation, integrity',
        ['redaction', 'integrity'],
      ],
      ['Art. 30(1)(f)', 'Envisaged time limits for erasure', ['retention-maximum']],
      ['Art. 44, 46', 'Transfers outside the agreed regions only with safeguards', ['data-residency']],
    ),
  },
  'nist-800-53': {
    title: 'NIST SP 800-53 Rev. 5',
    minimumDays: 90,
    retentionSource: 'NIST AU-11 is organisation-defined; FedRAMP: at least 90 days online',
    controls: controls(
      ['AU-2, AU-3', 'Event logging; content of audit records', ['record-content']],
      ['AU-5', 'Response to audit logging process failures', ['completeness-receipts', 'completeness-gaps']],
      ['AU-6', 'Audit record review, analysis and reporting', ['security-alerts', 'review-evidence']],
      ['AU-8', 'Time stamps', ['clock-skew']],
      ['SC-8', 'Transmission confidentiality and integrity', ['transport-encryption']],
      ['AU-9', 'Protection of audit information', ['integrity', 'audit-trail-integrity']],
      ['AU-10', 'Non-repudiation: signed, chained seals over the records', ['audit-trail-integrity']],
      ['AU-11', 'Audit record retention', ['retention-minimum']],
    ),
  },
  'eu-ai-act': {
    title: 'EU AI Act (high-risk systems)',
    minimumDays: 183,
    retentionSource: 'EU AI Act Art. 19(1) and 26(6): at least 6 months',
    controls: controls(
      ['Art. 12', 'Automatic recording of events over the lifetime', ['record-content', 'completeness-gaps']],
      ['Art. 19, 26(6)', 'Keep logs at least 6 months', ['retention-minimum']],
    ),
  },
  // GB/T 22239-2019 level 3 (clause numbers as commonly cited); the log floor is the
  // Cybersecurity Law's. Reference: /work/shared/reference/china-pii-and-compliance.md §10.
  'mlps-2.0': {
    title: 'MLPS 2.0 (GB/T 22239-2019), level 3 security audit',
    minimumDays: 183,
    retentionSource: 'Cybersecurity Law of the PRC Art. 21(3): network logs kept at least 6 months',
    controls: controls(
      [
        '8.1.4.3 a)',
        'Audit enabled, covering every user and important security events',
        ['record-content', 'completeness-gaps', 'authentication'],
      ],
      [
        '8.1.4.3 b)',
        'Records hold date and time, user, event type, outcome and other audit details',
        ['record-content', 'clock-skew'],
      ],
      [
        '8.1.4.3 c)',
        'Audit records protected and backed up against deletion, change or overwriting',
        ['integrity', 'audit-trail-integrity', 'retention-minimum'],
      ],
      [
        '8.1.4.3 d)',
        'Audit process protected from unauthorised interruption',
        ['completeness-receipts', 'completeness-gaps', 'ingestion-lag'],
      ],
      [
        '8.1.5.2',
        'Audit management: records analysed and acted upon',
        ['security-alerts', 'review-evidence'],
      ],
      [
        '8.1.5.4 d)',
        'Audit data collected centrally, kept as long as the law requires',
        ['completeness-receipts', 'retention-minimum', 'retention-availability'],
      ],
      ['CSL Art. 21(3)', 'Network logs kept at least 6 months', ['retention-minimum']],
    ),
  },
  // A control whose check no report produces yet shows WARN (frameworkSections), never PASS.
  pipl: {
    title: 'PIPL (Personal Information Protection Law of the PRC)',
    controls: controls(
      [
        'Art. 6, 19',
        'Minimisation: least personal information, kept no longer than necessary',
        ['redaction', 'retention-maximum'],
      ],
      [
        'Art. 51(3), 73(3)',
        'Security measures: encryption and de-identification',
        ['redaction', 'integrity', 'audit-trail-integrity'],
      ],
      [
        'Art. 38-40',
        'Cross-border transfer: personal information processed in the permitted regions',
        ['data-residency'],
      ],
      [
        'Art. 54',
        'Regular compliance audits of personal information processing',
        ['record-content', 'review-evidence'],
      ],
    ),
  },
}

export interface RetentionRequirement {
  days: number
  hotDays: number
  /** The tenant's frameworks that set a floor, in the tenant's order. */
  frameworks: Framework[]
}

/** The longest minimum among the tenant's frameworks (or the tenant's own minDays when longer). */
export function retentionRequirement(
  frameworks: readonly Framework[],
  tenantMinDays: number,
): RetentionRequirement {
  let days = tenantMinDays
  let hotDays = 0
  for (const framework of frameworks) {
    const info = FRAMEWORKS[framework]
    if (info.minimumDays !== undefined) days = Math.max(days, info.minimumDays)
    hotDays = Math.max(hotDays, info.hotDays ?? 0)
  }
  return { days, hotDays, frameworks: frameworks.filter((f) => FRAMEWORKS[f].minimumDays !== undefined) }
}

/** Where a framework's retention floor comes from, in the report's language. */
export function frameworkRetentionSource(framework: Framework, text: ReportText): string {
  const local = text.frameworks?.[framework]
  const info = FRAMEWORKS[framework]
  return local ? (local.retentionSource ?? local.title) : (info.retentionSource ?? info.title)
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 }

export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((acc, status) => (RANK[status] > RANK[acc] ? status : acc), 'pass')
}

export interface FrameworkSection {
  framework: Framework
  title: string
  status: CheckStatus
  controls: Array<{ id: string; title: string; status: CheckStatus; checks: string[] }>
}

/** Each framework's controls with the worst status of their checks; titles in the report's language. */
export function frameworkSections(
  frameworks: readonly Framework[],
  checks: readonly Check[],
  text: ReportText = reportText(),
): FrameworkSection[] {
  const byId = new Map(checks.map((check) => [check.id, check]))
  return frameworks.map((framework) => {
    const info = FRAMEWORKS[framework]
    const local = text.frameworks?.[framework]
    const controls = info.controls.map((control) => ({
      ...control,
      title: local?.controls[control.id] ?? control.title,
      status: worst(control.checks.map((id) => byId.get(id)?.status ?? 'warn')),
    }))
    return {
      framework,
      title: local?.title ?? info.title,
      status: worst(controls.map((c) => c.status)),
      controls,
    }
  })
}
