import { z } from 'zod'
import { ManifestSignature } from './report.js'

/**
 * The signed manifest of one tenant's hour in an S3 archive (`export.sinks[]` of type `s3`): every
 * object the exporter wrote for that hour with its SHA-256, record count, event times and stream
 * positions, and the integrity seals of the store that cover those positions, so an auditor can
 * tie the archive to the sealed store. Signed with the report signing key (Ed25519 over the
 * canonical JSON); `mcp-audit export verify` checks it. Versioned like the export record.
 */
export const EXPORT_MANIFEST_SCHEMA = 'mcp-audit.export-manifest'
export const EXPORT_MANIFEST_VERSION = 1

const Iso = z.iso.datetime({ offset: false })
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/)
const Offset = z.number().int().nonnegative()

export const ManifestObject = z.object({
  /** The object's key in the bucket (the sink's prefix included). */
  key: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256,
  records: z.number().int().positive(),
  /** Earliest and latest event time (when the calls happened) in the object. */
  first_time: Iso,
  last_time: Iso,
  /** The raw-topic partition of every record in the object and its first and last offset. */
  partition: Offset,
  first_offset: Offset,
  last_offset: Offset,
})
export type ManifestObject = z.infer<typeof ManifestObject>

/** An integrity seal (services/integrity) over stored rows at positions the manifest's objects hold. */
export const ManifestSeal = z.object({
  partition: Offset,
  epoch: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  from_offset: Offset,
  to_offset: Offset,
  seal_hash: z.string().min(1),
})
export type ManifestSeal = z.infer<typeof ManifestSeal>

export const ExportManifest = z.object({
  schema: z.literal(EXPORT_MANIFEST_SCHEMA),
  v: z.literal(EXPORT_MANIFEST_VERSION),
  sink: z.string().min(1),
  bucket: z.string().min(1),
  prefix: z.string(),
  tenant_id: z.string().min(1),
  /** The hour of stored time (`ingested_at`) the objects are partitioned by: [from, to). */
  period: z.object({ from: Iso, to: Iso }),
  format: z.enum(['parquet', 'ndjson']),
  written_at: Iso,
  /**
   * Written after the hour ended and `manifestDelaySeconds` passed. `false`: written at a shutdown
   * while the hour was open; a later manifest of the same hour replaces it.
   */
  complete: z.boolean(),
  records: z.number().int().nonnegative(),
  objects: z.array(ManifestObject),
  /** Seals of the tenant covering the objects' positions; empty when the store had none yet. */
  seals: z.array(ManifestSeal),
})
export type ExportManifest = z.infer<typeof ExportManifest>

export const SignedExportManifest = z.object({
  manifest: ExportManifest,
  signature: ManifestSignature,
})
export type SignedExportManifest = z.infer<typeof SignedExportManifest>
