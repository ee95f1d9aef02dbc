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

export const FRAMEWORKS: Record<Framework, FrameworkInfo> = {
  'pci-dss': {
    title: 'PCI DSS v4.0.1 Requirements 3.5, 4.2, 7.2 and 10',
    minimumDays: 365,
    hotDays: 90,
    retentionSource: 'PCI DSS 10.5.1: 12 months, the latest 3 immediately available',
    controls: [
      {
        id: '3.5.1',
        title: 'Stored account data rendered unreadable (strong cryptography at rest)',
        checks: ['storage-encryption'],
      },
      {
        id: '4.2.1',
        title: 'Strong cryptography for data in transmission (calls to MCP servers, Kafka)',
        checks: ['transport-encryption', 'storage-encryption'],
      },
      {
        id: '7.2',
        title: 'Access by job function and least privilege (Requirement 7)',
        checks: ['access-control'],
      },
      {
        id: '10.2.1',
        title: 'Audit logs capture user activity, incl. 10.2.1.3 access to audit logs',
        checks: ['record-content', 'review-evidence'],
      },
      {
        id: '10.2.2',
        title: 'Each record: user, type, time, outcome, origin, resource',
        checks: ['record-content'],
      },
      {
        id: '10.3.2',
        title: 'Audit log files protected from modification',
        checks: ['audit-trail-integrity'],
      },
      {
        id: '10.3.4',
        title: 'Change detection on audit logs',
        checks: ['integrity', 'audit-trail-integrity'],
      },
      { id: '10.4.1.1', title: 'Automated log review', checks: ['security-alerts'] },
      {
        id: '10.5.1',
        title: 'Retain 12 months, 3 immediately available',
        checks: ['retention-minimum', 'retention-availability'],
      },
      { id: '10.6', title: 'Time synchronisation', checks: ['clock-skew'] },
      {
        id: '10.7.2',
        title: 'Failures of logging systems detected',
        checks: ['completeness-receipts', 'completeness-gaps', 'ingestion-lag'],
      },
    ],
  },
  soc2: {
    title: 'SOC 2 Trust Services Criteria',
    controls: [
      {
        id: 'CC7.2',
        title: 'Monitor system components for anomalies',
        checks: ['security-alerts', 'completeness-gaps', 'authentication', 'audit-trail-integrity'],
      },
      { id: 'CC6.1', title: 'Logical access restricted to authorized users', checks: ['access-control'] },
      { id: 'CC6.3', title: 'Access granted by role, least privilege', checks: ['access-control'] },
      { id: 'CC7.3', title: 'Evaluate security events', checks: ['security-alerts', 'review-evidence'] },
    ],
  },
  iso27001: {
    title: 'ISO/IEC 27001:2022 Annex A',
    controls: [
      {
        id: 'A.8.15',
        title: 'Logging: produce, store, protect, analyse',
        checks: ['record-content', 'integrity', 'audit-trail-integrity', 'completeness-receipts'],
      },
      { id: 'A.8.16', title: 'Monitoring activities', checks: ['security-alerts', 'completeness-gaps'] },
      { id: 'A.8.17', title: 'Clock synchronisation', checks: ['clock-skew'] },
      {
        id: 'A.8.24',
        title: 'Use of cryptography (in transit and at rest)',
        checks: ['transport-encryption', 'storage-encryption'],
      },
      { id: 'A.5.15', title: 'Access control', checks: ['access-control'] },
      { id: 'A.8.2', title: 'Privileged access rights', checks: ['access-control'] },
    ],
  },
  hipaa: {
    title: 'HIPAA Security Rule',
    minimumDays: 2190,
    retentionSource: 'HIPAA 164.316(b)(2)(i): 6 years for documentation (applied to audit logs)',
    controls: [
      {
        id: '164.312(b)',
        title: 'Audit controls: record and examine activity',
        checks: ['record-content', 'security-alerts', 'review-evidence'],
      },
      { id: '164.312(a)(1)', title: 'Access control: only granted rights', checks: ['access-control'] },
      { id: '164.312(a)(2)(iv)', title: 'Encryption and decryption of ePHI', checks: ['storage-encryption'] },
      { id: '164.312(c)(1)', title: 'Integrity', checks: ['integrity', 'audit-trail-integrity'] },
      { id: '164.312(e)', title: 'Transmission security', checks: ['transport-encryption'] },
      { id: '164.316(b)(2)(i)', title: 'Retention of documentation, 6 years', checks: ['retention-minimum'] },
    ],
  },
  gdpr: {
    title: 'GDPR',
    controls: [
      { id: 'Art. 5(1)(e)', title: 'Storage limitation (maximum)', checks: ['retention-maximum'] },
      {
        id: 'Art. 5(1)(f), 32(1)',
        title: 'Security of processing: pseudonymisation, integrity',
        checks: ['redaction', 'integrity'],
      },
      { id: 'Art. 30(1)(f)', title: 'Envisaged time limits for erasure', checks: ['retention-maximum'] },
      {
        id: 'Art. 44, 46',
        title: 'Transfers outside the agreed regions only with safeguards',
        checks: ['data-residency'],
      },
    ],
  },
  'nist-800-53': {
    title: 'NIST SP 800-53 Rev. 5',
    minimumDays: 90,
    retentionSource: 'NIST AU-11 is organisation-defined; FedRAMP: at least 90 days online',
    controls: [
      { id: 'AU-2, AU-3', title: 'Event logging; content of audit records', checks: ['record-content'] },
      {
        id: 'AU-5',
        title: 'Response to audit logging process failures',
        checks: ['completeness-receipts', 'completeness-gaps'],
      },
      {
        id: 'AU-6',
        title: 'Audit record review, analysis and reporting',
        checks: ['security-alerts', 'review-evidence'],
      },
      { id: 'AU-8', title: 'Time stamps', checks: ['clock-skew'] },
      { id: 'SC-8', title: 'Transmission confidentiality and integrity', checks: ['transport-encryption'] },
      {
        id: 'AU-9',
        title: 'Protection of audit information',
        checks: ['integrity', 'audit-trail-integrity'],
      },
      {
        id: 'AU-10',
        title: 'Non-repudiation: signed, chained seals over the records',
        checks: ['audit-trail-integrity'],
      },
      { id: 'AU-11', title: 'Audit record retention', checks: ['retention-minimum'] },
    ],
  },
  'eu-ai-act': {
    title: 'EU AI Act (high-risk systems)',
    minimumDays: 183,
    retentionSource: 'EU AI Act Art. 19(1) and 26(6): at least 6 months',
    controls: [
      {
        id: 'Art. 12',
        title: 'Automatic recording of events over the lifetime',
        checks: ['record-content', 'completeness-gaps'],
      },
      { id: 'Art. 19, 26(6)', title: 'Keep logs at least 6 months', checks: ['retention-minimum'] },
    ],
  },
  // GB/T 22239-2019 level 3 (clause numbers as commonly cited); the log floor is the
  // Cybersecurity Law's. Reference: /work/shared/reference/china-pii-and-compliance.md §10.
  'mlps-2.0': {
    title: 'MLPS 2.0 (GB/T 22239-2019), level 3 security audit',
    minimumDays: 183,
    retentionSource: 'Cybersecurity Law of the PRC Art. 21(3): network logs kept at least 6 months',
    controls: [
      {
        id: '8.1.4.3 a)',
        title: 'Audit enabled, covering every user and important security events',
        checks: ['record-content', 'completeness-gaps', 'authentication'],
      },
      {
        id: '8.1.4.3 b)',
        title: 'Records hold date and time, user, event type, outcome and other audit details',
        checks: ['record-content', 'clock-skew'],
      },
      {
        id: '8.1.4.3 c)',
        title: 'Audit records protected and backed up against deletion, change or overwriting',
        checks: ['integrity', 'audit-trail-integrity', 'retention-minimum'],
      },
      {
        id: '8.1.4.3 d)',
        title: 'Audit process protected from unauthorised interruption',
        checks: ['completeness-receipts', 'completeness-gaps', 'ingestion-lag'],
      },
      {
        id: '8.1.5.2',
        title: 'Audit management: records analysed and acted upon',
        checks: ['security-alerts', 'review-evidence'],
      },
      {
        id: '8.1.5.4 d)',
        title: 'Audit data collected centrally, kept as long as the law requires',
        checks: ['completeness-receipts', 'retention-minimum', 'retention-availability'],
      },
      { id: 'CSL Art. 21(3)', title: 'Network logs kept at least 6 months', checks: ['retention-minimum'] },
    ],
  },
  // A control whose check no report produces yet shows WARN (frameworkSections), never PASS.
  pipl: {
    title: 'PIPL (Personal Information Protection Law of the PRC)',
    controls: [
      {
        id: 'Art. 6, 19',
        title: 'Minimisation: least personal information, kept no longer than necessary',
        checks: ['redaction', 'retention-maximum'],
      },
      {
        id: 'Art. 51(3), 73(3)',
        title: 'Security measures: encryption and de-identification',
        checks: ['redaction', 'integrity', 'audit-trail-integrity'],
      },
      {
        id: 'Art. 38-40',
        title: 'Cross-border transfer: personal information processed in the permitted regions',
        checks: ['data-residency'],
      },
      {
        id: 'Art. 54',
        title: 'Regular compliance audits of personal information processing',
        checks: ['record-content', 'review-evidence'],
      },
    ],
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
