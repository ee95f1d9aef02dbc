import {
  EXPORT_MANIFEST_SCHEMA,
  EXPORT_MANIFEST_VERSION,
  ManifestObject,
  type ExportManifest,
  type ManifestSeal,
  type SignedExportManifest,
} from '../../../../schemas/export-manifest.js'
import type { Ed25519Key } from '../../../platform/ed25519-key.js'
import { signCanonical } from '../../../platform/ed25519-key.js'
import type { SealReference } from '../../../platform/store/integrity-seals.js'
import { HOUR_MS, spanOf, type ArchiveFormat, type ObjectPlan, type Period } from './layout.js'

/**
 * An hour's manifest is built from the bucket, not from memory: the objects under the period's
 * folder and the metadata each was written with. A manifest written after a restart (or again,
 * when late rows add an object to an hour) lists every object there, whichever process wrote it.
 */

const iso = (ms: number) => new Date(ms).toISOString()

/** What an object carries about itself as S3 user metadata (ASCII, lower-case names). */
export function objectMetadata(plan: ObjectPlan, sha256: string): Record<string, string> {
  const times = plan.records.map((record) => Date.parse(record.time))
  const span = spanOf(plan)
  return {
    sha256,
    records: String(span.count),
    'first-time': iso(Math.min(...times)),
    'last-time': iso(Math.max(...times)),
    partition: String(span.partition),
    'first-offset': String(span.first),
    'last-offset': String(span.last),
  }
}

/** The manifest entry of an object from its size and metadata; undefined when they are not the sink's. */
export function manifestObject(
  key: string,
  bytes: number,
  metadata: Record<string, string>,
): ManifestObject | undefined {
  const parsed = ManifestObject.safeParse({
    key,
    bytes,
    sha256: metadata.sha256,
    records: Number(metadata.records),
    first_time: metadata['first-time'],
    last_time: metadata['last-time'],
    partition: Number(metadata.partition),
    first_offset: Number(metadata['first-offset']),
    last_offset: Number(metadata['last-offset']),
  })
  return parsed.success ? parsed.data : undefined
}

export interface ManifestInput {
  sink: { name: string; bucket: string; prefix: string; format: ArchiveFormat }
  period: Period
  objects: readonly ManifestObject[]
  seals: readonly SealReference[]
  writtenMs: number
  complete: boolean
}

export function buildManifest(input: ManifestInput): ExportManifest {
  const objects = [...input.objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const seals: ManifestSeal[] = input.seals.map((seal) => ({
    partition: seal.partition,
    epoch: seal.epoch,
    seq: seal.seq,
    from_offset: seal.fromOffset,
    to_offset: seal.toOffset,
    seal_hash: seal.sealHash,
  }))
  return {
    schema: EXPORT_MANIFEST_SCHEMA,
    v: EXPORT_MANIFEST_VERSION,
    sink: input.sink.name,
    bucket: input.sink.bucket,
    prefix: input.sink.prefix,
    tenant_id: input.period.tenant,
    period: { from: iso(input.period.hourMs), to: iso(input.period.hourMs + HOUR_MS) },
    format: input.sink.format,
    written_at: iso(input.writtenMs),
    complete: input.complete,
    records: objects.reduce((sum, object) => sum + object.records, 0),
    objects,
    seals,
  }
}

export function signExportManifest(manifest: ExportManifest, key: Ed25519Key): SignedExportManifest {
  return { manifest, signature: signCanonical(manifest, key) }
}

/** The positions of a manifest's objects, to look up the seals that cover them. */
export function sealRanges(objects: readonly ManifestObject[]) {
  return objects.map((object) => ({
    partition: object.partition,
    first: object.first_offset,
    last: object.last_offset,
  }))
}
