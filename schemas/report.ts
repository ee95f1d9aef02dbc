import { z } from 'zod'

/** Report manifests and `reports` table rows: what the reporter writes and `report verify` reads. */

export const ReportFormatSchema = z.enum(['pdf', 'html', 'csv', 'json'])
export const ReportFileKindSchema = z.enum(['pdf', 'html', 'csv', 'json', 'manifest'])

export const ManifestFile = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
  kind: ReportFileKindSchema,
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})

/** A seal of the sealed audit trail, as a report's manifest cites it. */
export const ManifestSeal = z.object({
  partition: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  sealed_at: z.string(),
  row_count: z.number().int().nonnegative(),
  digest: z.string(),
  seal_hash: z.string(),
  key_id: z.string(),
})
export type ManifestSeal = z.infer<typeof ManifestSeal>

export const ReportManifest = z.object({
  format: z.literal('mcp-audit-report-manifest/1'),
  report_id: z.string().min(1),
  tenant_id: z.string().min(1),
  name: z.string(),
  period: z.object({ from: z.string(), to: z.string(), timezone: z.string() }),
  generated_at: z.string(),
  generated_by: z.string(),
  /** The parameters every query of the report was run with. */
  query_parameters: z.record(z.string(), z.string()),
  /** Rows per table of the report (as in the CSVs) and the events counted. */
  row_counts: z.record(z.string(), z.number().int().nonnegative()),
  /** The newest `ingested_at` among the events counted: rows stored later are not in this report. */
  max_ingested_at: z.string().nullable(),
  checks: z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int() }),
  /**
   * The period's sealed audit trail (check `audit-trail-integrity`): its verdict, the seal key it
   * was verified against (null: not verified) and the first and last seal. Absent in manifests
   * written before seals existed.
   */
  audit_trail: z
    .object({
      status: z.enum(['pass', 'warn', 'fail']),
      seal_key_id: z.string().nullable(),
      seals: z.number().int().nonnegative(),
      first_seal: ManifestSeal.nullable(),
      last_seal: ManifestSeal.nullable(),
    })
    .optional(),
  files: z.array(ManifestFile),
})
export type ReportManifest = z.infer<typeof ReportManifest>

/** An Ed25519 signature over a manifest's canonical JSON; report and export manifests carry it. */
export const ManifestSignature = z.object({
  algorithm: z.literal('Ed25519'),
  key_id: z.string(),
  public_key: z.string(),
  /** Base64 Ed25519 signature of the manifest's canonical JSON (keys sorted, no spaces). */
  value: z.string(),
})
export type ManifestSignature = z.infer<typeof ManifestSignature>

export const SignedManifest = z.object({
  manifest: ReportManifest,
  signature: ManifestSignature,
})
export type SignedManifest = z.infer<typeof SignedManifest>

/** One row of the `reports` table (schemas/clickhouse/0004_reports.sql). */
export const ReportRow = z.object({
  report_id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  schedule: z.string(),
  period_from: z.string(),
  period_to: z.string(),
  timezone: z.string(),
  formats: z.array(ReportFormatSchema),
  status: z.enum(['ready', 'failed']),
  error: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  files: z.string(),
  checks_pass: z.coerce.number(),
  checks_warn: z.coerce.number(),
  checks_fail: z.coerce.number(),
  manifest_sha256: z.string(),
  directory: z.string(),
  /** Since migration 0010: what the export's report record carries (see 0010_export_records.sql). */
  frameworks: z.array(z.string()).default([]),
  signature_key_id: z.string().default(''),
  signature: z.string().default(''),
  ready_at: z.string().optional(),
})
export type ReportRow = z.infer<typeof ReportRow>
