import { createHash, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { SignedExportManifest } from '../../../../schemas/export-manifest.js'
import { ed25519KeyId, embeddedSignatureKeyId, verifyCanonical } from '../../../platform/ed25519-key.js'
import type { Bucket } from './bucket.js'
import { HOUR_MS, manifestKey, parseManifestKey, parseObjectKey, periodId, type Period } from './layout.js'

/**
 * `export verify`: reads an S3 archive back and checks it against its signed manifests. Every
 * manifest's signature against the trusted key (never the key it carries), every listed object's
 * size and SHA-256, and that every object in a checked hour is listed by that hour's manifest.
 */

export type ArchiveProblemKind =
  'signature' | 'unreadable' | 'missing' | 'changed' | 'unlisted' | 'no-manifest'

export interface ArchiveProblem {
  kind: ArchiveProblemKind
  key: string
  detail: string
}

export interface ArchiveVerification {
  ok: boolean
  manifests: number
  objects: number
  records: number
  /** Hours whose manifest was written while the hour was still open (a later one replaces it). */
  incomplete: number
  problems: ArchiveProblem[]
}

export interface VerifyArchiveOptions {
  prefix: string
  trusted: KeyObject
  /** Hours that start in [fromMs, toMs); all when absent. */
  fromMs?: number
  toMs?: number
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

export async function verifyArchive(
  bucket: Bucket,
  options: VerifyArchiveOptions,
): Promise<ArchiveVerification> {
  const { prefix, trusted } = options
  const fromMs = Math.floor((options.fromMs ?? Number.NEGATIVE_INFINITY) / HOUR_MS) * HOUR_MS
  const toMs = options.toMs ?? Number.POSITIVE_INFINITY
  const inRange = (period: Period) => period.hourMs >= fromMs && period.hourMs < toMs

  const manifestKeys = new Map<string, string>()
  const objectKeys = new Map<string, string[]>()
  for await (const { key } of bucket.list(prefix)) {
    const manifestPeriod = parseManifestKey(prefix, key)
    if (manifestPeriod) {
      if (inRange(manifestPeriod)) manifestKeys.set(periodId(manifestPeriod), key)
      continue
    }
    const object = parseObjectKey(prefix, key)
    if (object && inRange(object.period)) {
      const id = periodId(object.period)
      objectKeys.set(id, [...(objectKeys.get(id) ?? []), key])
    }
  }

  const problems: ArchiveProblem[] = []
  const trustedId = ed25519KeyId(trusted)
  let records = 0
  let objects = 0
  let incomplete = 0
  for (const [id, key] of manifestKeys) {
    const signed = await readManifest(bucket, key, problems)
    if (!signed) continue
    const { manifest, signature } = signed
    if (!verifyCanonical(manifest, signature, trusted)) {
      const claimed = embeddedSignatureKeyId(signature)
      problems.push({
        kind: 'signature',
        key,
        detail:
          claimed === trustedId
            ? 'the manifest signature does not match its content: the manifest was changed'
            : `the manifest was signed by key ${claimed ?? '(unreadable)'}, not by the trusted key ${trustedId}: it was re-signed or comes from another installation`,
      })
    }
    const described = { tenant: manifest.tenant_id, hourMs: Date.parse(manifest.period.from) }
    if (manifestKey(prefix, described) !== key) {
      problems.push({
        kind: 'changed',
        key,
        detail: `the manifest describes ${periodId(described)}, not the hour of its key`,
      })
    }
    if (!manifest.complete) incomplete += 1
    records += manifest.records
    const listed = new Set(manifest.objects.map((object) => object.key))
    for (const object of manifest.objects) {
      objects += 1
      const bytes = await bucket.get(object.key)
      if (!bytes) {
        problems.push({ kind: 'missing', key: object.key, detail: `listed by ${key} but not in the bucket` })
        continue
      }
      const actual = sha256(bytes)
      if (actual !== object.sha256 || bytes.length !== object.bytes) {
        problems.push({
          kind: 'changed',
          key: object.key,
          detail: `SHA-256 ${actual} (${bytes.length} bytes), the manifest says ${object.sha256} (${object.bytes} bytes)`,
        })
      }
    }
    for (const objectKey of objectKeys.get(id) ?? []) {
      if (!listed.has(objectKey)) {
        problems.push({
          kind: 'unlisted',
          key: objectKey,
          detail: `not listed by the hour's manifest ${key}`,
        })
      }
    }
  }
  for (const [id, keys] of objectKeys) {
    if (manifestKeys.has(id)) continue
    problems.push({
      kind: 'no-manifest',
      key: `${prefix}${id}/`,
      detail: `${keys.length} object(s) and no manifest: the manifest was deleted, or the hour is not over yet (manifests are written manifestDelaySeconds after the hour ends, and at shutdown)`,
    })
  }
  return { ok: problems.length === 0, manifests: manifestKeys.size, objects, records, incomplete, problems }
}

async function readManifest(
  bucket: Bucket,
  key: string,
  problems: ArchiveProblem[],
): Promise<SignedExportManifest | undefined> {
  const bytes = await bucket.get(key)
  if (!bytes) {
    problems.push({ kind: 'missing', key, detail: 'the manifest was listed but cannot be read' })
    return undefined
  }
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    problems.push({
      kind: 'unreadable',
      key,
      detail: `not valid JSON (${(err as Error).message}): altered or truncated`,
    })
    return undefined
  }
  const parsed = SignedExportManifest.safeParse(json)
  if (!parsed.success) {
    problems.push({
      kind: 'unreadable',
      key,
      detail: `not an export manifest: ${z.prettifyError(parsed.error).split('\n')[0] ?? ''}`,
    })
    return undefined
  }
  return parsed.data
}
