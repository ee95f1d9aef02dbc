import { createHash } from 'node:crypto'
import type { S3SinkConfig } from '../../../../schemas/export.js'
import { SignedExportManifest } from '../../../../schemas/export-manifest.js'
import type { ExportEvent, ExportRecord } from '../../../../schemas/export-record.js'
import type { Ed25519Key } from '../../../platform/ed25519-key.js'
import type { Logger } from '../../../platform/logger.js'
import type { SealReference } from '../../../platform/store/integrity-seals.js'
import type { Sink } from '../sink.js'
import type { Bucket, PutRequest } from './bucket.js'
import type { Encoder } from './encode.js'
import {
  HOUR_MS,
  manifestKey,
  objectKey,
  parseObjectKey,
  periodFolder,
  periodId,
  planObjects,
  spanOf,
  type Period,
} from './layout.js'
import { buildManifest, manifestObject, objectMetadata, sealRanges, signExportManifest } from './manifest.js'

export interface S3SinkOptions {
  config: S3SinkConfig
  bucket: Bucket
  encoder: Encoder
  /** The report signing key, loaded when the first manifest is signed. */
  signingKey: () => Ed25519Key
  /** The tenant's integrity seals over these positions (empty when the store has none). */
  seals: (tenant: string, ranges: ReturnType<typeof sealRanges>) => Promise<SealReference[]>
  logger: Logger
  now?: () => number
  /** How often hours that have ended are looked at for their manifest. */
  manifestCheckMs?: number
}

const md5 = (body: Buffer) => createHash('md5').update(body).digest('base64')
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex')

/** Export records the archive holds: events (other kinds get their own layout when they are added). */
function eventsOf(records: readonly ExportRecord[]): ExportEvent[] {
  return records.filter((record): record is ExportEvent => record.kind === 'event')
}

/**
 * The S3 archive sink: each batch becomes objects per tenant, stored hour and partition
 * (layout.ts), each put with its SHA-256 checksum and Content-MD5 (the store rejects a body that
 * does not match) and, with `objectLock`, a retention date. When an hour is over (ended, plus
 * `manifestDelaySeconds` for rows still on their way), its manifest lists every object of the
 * hour and is signed; at shutdown the hours written to are given a manifest marked incomplete,
 * replaced when the hour closes. A failed put or manifest fails the send: the exporter sends the
 * batch again (layout.ts says which names that reuses).
 */
export function createS3Sink(options: S3SinkOptions): Sink {
  const { config, bucket, encoder } = options
  const now = options.now ?? Date.now
  const logger = options.logger.child({ component: 'exporter', sink: config.name })
  const delayMs = config.manifestDelaySeconds * 1000
  const maxBytes = Math.min(config.maxObjectBytes, encoder.maxInputBytes)
  /** Hours written to whose manifest is not yet written (or written while they were open). */
  const pending = new Map<string, Period>()
  const recovered = new Set<string>()
  let key: Ed25519Key | undefined
  const signingKey = () => (key ??= options.signingKey())

  let chain: Promise<unknown> = Promise.resolve()
  /** Sends, manifest checks and the shutdown take turns, so a manifest never races a put of its hour. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work)
    chain = run.catch(() => undefined)
    return run
  }

  const lock = (): PutRequest['lock'] =>
    config.objectLock && {
      mode: config.objectLock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
      retainUntil: new Date(now() + config.objectLock.days * 86_400_000),
    }

  const put = async (
    key: string,
    body: Buffer,
    contentType: string,
    metadata: (sha: string) => Record<string, string>,
  ) => {
    const sha = sha256(body)
    const locked = lock()
    await bucket.put({
      key,
      body,
      contentType,
      sha256: sha,
      md5: md5(body),
      metadata: metadata(sha),
      ...(locked ? { lock: locked } : {}),
    })
  }

  const writeManifest = async (period: Period) => {
    const objects = []
    for await (const { key } of bucket.list(periodFolder(config.prefix, period))) {
      if (!parseObjectKey(config.prefix, key)) continue
      const head = await bucket.head(key)
      const entry = head && manifestObject(key, head.bytes, head.metadata)
      if (entry) objects.push(entry)
      else logger.warn({ key }, 'export_s3_object_without_metadata')
    }
    if (objects.length === 0) return
    const complete = now() >= period.hourMs + HOUR_MS + delayMs
    const manifest = buildManifest({
      sink: { name: config.name, bucket: config.bucket, prefix: config.prefix, format: config.format },
      period,
      objects,
      seals: await options.seals(period.tenant, sealRanges(objects)),
      writtenMs: now(),
      complete,
    })
    const body = Buffer.from(`${JSON.stringify(signExportManifest(manifest, signingKey()), null, 2)}\n`)
    await put(manifestKey(config.prefix, period), body, 'application/json', () => ({}))
    logger.info(
      {
        period: periodId(period),
        objects: objects.length,
        records: manifest.records,
        seals: manifest.seals.length,
        complete,
      },
      'export_s3_manifest_written',
    )
    if (complete) pending.delete(periodId(period))
  }

  /** Manifests of the pending hours that are over (all of them at shutdown). */
  const writeDue = async (all: boolean) => {
    for (const period of [...pending.values()]) {
      if (all || now() >= period.hourMs + HOUR_MS + delayMs) await writeManifest(period)
    }
  }

  /** Whether the hour has a manifest written after it closed (one written at a shutdown does not count). */
  const manifestComplete = async (period: Period) => {
    const body = await bucket.get(manifestKey(config.prefix, period))
    if (!body) return false
    try {
      const parsed = SignedExportManifest.safeParse(JSON.parse(body.toString('utf8')))
      return parsed.success && parsed.data.manifest.complete
    } catch {
      return false
    }
  }

  /**
   * After a restart, the hours before the current one may hold objects written before a crash and
   * no manifest yet, or one written at a shutdown: the first batch of each tenant looks back over
   * the hours that can still be due.
   */
  const recover = async (tenant: string) => {
    if (recovered.has(tenant)) return
    recovered.add(tenant)
    const hours = Math.ceil(delayMs / HOUR_MS) + 1
    const current = Math.floor(now() / HOUR_MS) * HOUR_MS
    for (let back = 1; back <= hours; back += 1) {
      const period = { tenant, hourMs: current - back * HOUR_MS }
      if (pending.has(periodId(period)) || (await manifestComplete(period))) continue
      for await (const { key } of bucket.list(periodFolder(config.prefix, period))) {
        if (parseObjectKey(config.prefix, key)) {
          pending.set(periodId(period), period)
          break
        }
      }
    }
  }

  const timer = setInterval(() => {
    exclusive(() => writeDue(false)).catch((err: unknown) =>
      logger.warn({ error: (err as Error).message }, 'export_s3_manifest_failed'),
    )
  }, options.manifestCheckMs ?? 60_000)
  timer.unref()

  return {
    name: config.name,
    type: config.type,
    send: (records) =>
      exclusive(async () => {
        for (const plan of planObjects(eventsOf(records), maxBytes)) {
          await recover(plan.period.tenant)
          const body = await encoder.encode(plan.records, plan.lines)
          await put(
            objectKey(config.prefix, plan.period, spanOf(plan), config.format),
            body,
            encoder.contentType,
            (sha) => objectMetadata(plan, sha),
          )
          pending.set(periodId(plan.period), plan.period)
        }
        await writeDue(false)
      }),
    async close() {
      clearInterval(timer)
      // A bucket that is down at shutdown must not hold the shutdown up: the hour's manifest is
      // written by the next process that writes to it, or when it closes.
      await exclusive(() => writeDue(true)).catch((err: unknown) =>
        logger.warn({ error: (err as Error).message }, 'export_s3_manifest_failed'),
      )
      bucket.close()
    },
  }
}
