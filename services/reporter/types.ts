import type { KeyObject } from 'node:crypto'
import type { Locale } from '../../schemas/locale.js'

/** The public shapes of the reporter, shared by its stages and by the console. */

export type ReportFormat = 'pdf' | 'html' | 'csv' | 'json'
export const REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'html', 'csv', 'json']

export type ReportFileKind = ReportFormat | 'manifest'

export interface ReportFile {
  kind: ReportFileKind
  /** File name inside the report's directory (`report.pdf`, `summary.csv`, `manifest.json`). */
  name: string
  bytes: number
  sha256: string
}

export interface CheckCounts {
  pass: number
  warn: number
  fail: number
}

export interface ReportRecord {
  report_id: string
  tenant_id: string
  name: string
  period_from: string
  period_to: string
  timezone: string
  formats: ReportFormat[]
  status: 'ready' | 'failed'
  created_at: string
  created_by: string
  files: ReportFile[]
  checks: CheckCounts
  /** The schedule that produced it, or `on-demand`. */
  schedule: string
  /** Why generation failed (empty when ready). */
  error: string
  /** SHA-256 of the signed manifest file: what a copy of the report must match. */
  manifest_sha256: string
}

export interface GenerateRequest {
  tenantId: string
  from: Date
  to: Date
  formats?: ReportFormat[]
  /** Token name or `scheduler`; recorded in the manifest, the `reports` table and the self-audit. */
  requestedBy: string
  name?: string
  /** Role of the requester for the self-audit (`admin`, `read`, `system`). */
  requestedByRole?: string
  /** Schedule name for scheduled runs. */
  schedule?: string
  /** IANA zone for the report's dates (a schedule's own); default the tenant's. */
  timezone?: string
  /** Language of the report (`report --locale`, else the schedule's); default the tenant's, else `en`. */
  locale?: Locale
  /**
   * Who asks: `api` (the console; counted against `reporter.maxPerHour`, the default), `cli` (an
   * operator) or `scheduler`. One generation per tenant at a time and the period limit apply to all.
   */
  requestedVia?: 'api' | 'cli' | 'scheduler'
  /** Writes the files here instead of `<dataDir>/reports/<tenant>/<id>` (CLI `--out`). */
  outDir?: string
}

export interface ReportFileLocation {
  path: string
  contentType: string
  downloadName: string
}

export interface VerifyResult {
  ok: boolean
  problems: string[]
}

export interface Reports {
  list(tenantId: string, options?: { limit?: number }): Promise<ReportRecord[]>
  get(tenantId: string, reportId: string): Promise<ReportRecord | undefined>
  generate(request: GenerateRequest): Promise<ReportRecord>
  /**
   * Absolute path of one file of the report, confined to the tenant's report dir; for kind `csv`,
   * `name` picks one table (`top-tools` or `top-tools.csv`), default the summary CSV. Records a
   * `report.download` self-audit entry when `actor` is given.
   */
  file(
    tenantId: string,
    reportId: string,
    kind: ReportFileKind,
    name?: string,
    actor?: { name: string; role: string; sourceIp?: string },
  ): Promise<ReportFileLocation | undefined>
  verify(tenantId: string, reportId: string): Promise<VerifyResult>
}

/** The Ed25519 key that signs manifests. */
export interface SigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** SPKI PEM of the public key, as exported to `<dataDir>/reports/signing-key.pub.pem`. */
  publicKeyPem: string
  /** First 16 hex of the SHA-256 of the public key (DER), printed on every report. */
  keyId: string
}
