import { Agent as HttpsAgent } from 'node:https'
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import type { Cidr } from '../../../../schemas/cidr.js'
import type { S3SinkConfig } from '../../../../schemas/export.js'
import { checkTarget } from '../../../webhooks/ssrf.js'
import { loadSinkTls } from '../tls.js'

/**
 * The few bucket operations the S3 sink and `export verify` use, behind an interface of ours so the
 * layout, manifest and verification logic stay free of the SDK (and testable with a map).
 */
export interface Bucket {
  readonly name: string
  put(object: PutRequest): Promise<void>
  /** The object's bytes; undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>
  /** The object's user metadata and size; undefined when there is no such key. */
  head(key: string): Promise<{ bytes: number; metadata: Record<string, string> } | undefined>
  /** Every key under the prefix, in key order. */
  list(prefix: string): AsyncIterable<{ key: string; bytes: number }>
  close(): void
}

export interface PutRequest {
  key: string
  body: Buffer
  contentType: string
  /** Hex SHA-256 of the body: sent as the S3 checksum the store verifies, and as metadata. */
  sha256: string
  /** Base64 MD5 of the body (Content-MD5; S3 requires an integrity header with Object Lock). */
  md5: string
  metadata: Record<string, string>
  lock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: Date }
}

/** A failed bucket call: the message names the sink, the operation and the key, never a credential. */
export class BucketError extends Error {
  override readonly name = 'BucketError'
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Access, signature, bucket and lock configuration errors do not heal by retrying. */
const PERMANENT = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'NoSuchBucket',
  'InvalidBucketName',
  'InvalidRequest',
  'InvalidArgument',
  'MissingContentMD5',
  'BadDigest',
])

function bucketError(sink: string, operation: string, key: string, err: unknown): BucketError {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode
    const retryable = !PERMANENT.has(err.name) && (status === undefined || status >= 500 || status === 429)
    const advice = retryable
      ? ''
      : ': the sink is paused; check the bucket, its region, the credentials and their permissions'
    return new BucketError(
      `s3 sink ${sink}: ${operation} ${key} failed with ${err.name}${status ? ` (HTTP ${status})` : ''}: ${err.message}${advice}`,
      retryable,
      { cause: err },
    )
  }
  return new BucketError(`s3 sink ${sink}: ${operation} ${key} failed: ${(err as Error).message}`, true, {
    cause: err,
  })
}

const missing = (err: unknown) =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)

export interface BucketOptions {
  config: S3SinkConfig
  /** Parsed `alerts.allowPrivateNetworks`: an `endpoint` passes the SSRF guard webhooks use. */
  allowList: readonly Cidr[]
}

/** The sink's bucket through @aws-sdk/client-s3 (SigV4), its endpoint checked before the first call. */
export function openBucket(options: BucketOptions): Bucket {
  const { config } = options
  const tls = loadSinkTls(config.name, config.tls)
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    ...(config.accessKeyId !== undefined && config.secretAccessKey !== undefined
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
    requestHandler: {
      requestTimeout: 60_000,
      connectionTimeout: 10_000,
      ...(config.tls === undefined ? {} : { httpsAgent: new HttpsAgent({ keepAlive: true, ...tls }) }),
    },
    // Retries belong to the exporter's backoff (one place that pauses a failing sink).
    maxAttempts: 1,
  })
  let checked: Promise<void> | undefined
  const guard = async () => {
    if (config.endpoint === undefined) return
    const verdict = await checkTarget(new URL(config.endpoint), options.allowList)
    if (verdict.kind === 'refused') {
      throw new BucketError(
        `s3 sink ${config.name}: refused to connect to endpoint ${config.endpoint}: ${verdict.reason}; add its network to alerts.allowPrivateNetworks if this sink is meant to reach it`,
        false,
      )
    }
  }
  const ready = () => {
    checked ??= guard().catch((err: unknown) => {
      checked = undefined
      throw err
    })
    return checked
  }
  const call = async <T>(operation: string, key: string, run: () => Promise<T>): Promise<T> => {
    await ready()
    try {
      return await run()
    } catch (err) {
      throw bucketError(config.name, operation, key, err)
    }
  }
  return {
    name: config.bucket,
    async put(object) {
      await call('PutObject', object.key, () =>
        client.send(
          new PutObjectCommand({
            Bucket: config.bucket,
            Key: object.key,
            Body: object.body,
            ContentType: object.contentType,
            ContentMD5: object.md5,
            ChecksumSHA256: Buffer.from(object.sha256, 'hex').toString('base64'),
            Metadata: object.metadata,
            ...(object.lock
              ? { ObjectLockMode: object.lock.mode, ObjectLockRetainUntilDate: object.lock.retainUntil }
              : {}),
          }),
        ),
      )
    },
    async get(key) {
      await ready()
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }))
        return Buffer.from(await answer.Body!.transformToByteArray())
      } catch (err) {
        if (missing(err)) return undefined
        throw bucketError(config.name, 'GetObject', key, err)
      }
    },
    async head(key) {
      await ready()
      try {
        const answer = await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }))
        return { bytes: answer.ContentLength ?? 0, metadata: answer.Metadata ?? {} }
      } catch (err) {
        if (missing(err)) return undefined
        throw bucketError(config.name, 'HeadObject', key, err)
      }
    },
    async *list(prefix) {
      let token: string | undefined
      do {
        const page = await call('ListObjectsV2', prefix, () =>
          client.send(
            new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix, ContinuationToken: token }),
          ),
        )
        for (const item of page.Contents ?? []) {
          if (item.Key !== undefined) yield { key: item.Key, bytes: item.Size ?? 0 }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token !== undefined)
    },
    close: () => client.destroy(),
  }
}
