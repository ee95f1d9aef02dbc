import type { KeyObject } from 'node:crypto'
import type { Cidr } from '../../../../schemas/cidr.js'
import type { AppConfig } from '../../../../schemas/config.js'
import type { S3SinkConfig } from '../../../../schemas/export.js'
import type { Store } from '../../../platform/clickhouse.js'
import { loadEd25519Key, type Ed25519Key } from '../../../platform/ed25519-key.js'
import type { Logger } from '../../../platform/logger.js'
import { reportKeyFiles } from '../../../platform/report-signing-key.js'
import { readSealsOverlapping } from '../../../platform/store/integrity-seals.js'
import { parseAllowList } from '../../../webhooks/ssrf.js'
import type { Sink } from '../sink.js'
import { openBucket } from './bucket.js'
import { ndjsonEncoder, parquetEncoder } from './encode.js'
import { createS3Sink } from './sink.js'

import { verifyArchive, type ArchiveVerification } from './verify.js'

export type { ArchiveProblem, ArchiveVerification } from './verify.js'

export interface S3SinkDependencies {
  allowList: readonly Cidr[]
  store: Pick<Store, 'client' | 'database' | 'mode'>
  signingKey: () => Ed25519Key
  logger: Logger
}

/** An `s3` sink of `export.sinks`: its bucket, the store's engine for Parquet and the store's seals. */
export function s3Sink(config: S3SinkConfig, deps: S3SinkDependencies): Sink {
  return createS3Sink({
    config,
    bucket: openBucket({ config, allowList: deps.allowList }),
    encoder: config.format === 'parquet' ? parquetEncoder(deps.store) : ndjsonEncoder(),
    signingKey: deps.signingKey,
    seals: (tenant, ranges) => readSealsOverlapping(deps.store, tenant, ranges),
    logger: deps.logger,
  })
}

/** The report signing key, which signs S3 manifests too (generated like the reporter does when absent). */
export function manifestSigningKey(config: Pick<AppConfig, 'dataDir' | 'reporter'>, logger: Logger) {
  return (): Ed25519Key => {
    const files = reportKeyFiles(config)
    const { key, generated } = loadEd25519Key(files)
    if (generated) logger.info({ path: files.privateKey, key_id: key.keyId }, 'report_signing_key_generated')
    return key
  }
}

export type SinkArchiveVerification =
  | { kind: 'verified'; result: ArchiveVerification; bucket: string; prefix: string }
  | { kind: 'arguments'; message: string }

/** `export verify`: the archive of one `s3` sink of the configuration, checked against its manifests. */
export async function verifySinkArchive(options: {
  config: Pick<AppConfig, 'export' | 'alerts'>
  sinkName: string
  trusted: KeyObject
  fromMs?: number
  toMs?: number
}): Promise<SinkArchiveVerification> {
  const sinks = options.config.export.sinks
  const sink = sinks.find((candidate) => candidate.name === options.sinkName)
  if (!sink || sink.type !== 's3') {
    const archives = sinks.filter((candidate) => candidate.type === 's3').map((candidate) => candidate.name)
    return {
      kind: 'arguments',
      message: `no s3 sink named "${options.sinkName}" in export.sinks (s3 sinks: ${archives.length > 0 ? archives.join(', ') : 'none'})`,
    }
  }
  const bucket = openBucket({
    config: sink,
    allowList: parseAllowList(options.config.alerts.allowPrivateNetworks),
  })
  try {
    const result = await verifyArchive(bucket, {
      prefix: sink.prefix,
      trusted: options.trusted,
      ...(options.fromMs === undefined ? {} : { fromMs: options.fromMs }),
      ...(options.toMs === undefined ? {} : { toMs: options.toMs }),
    })
    return { kind: 'verified', result, bucket: sink.bucket, prefix: sink.prefix }
  } finally {
    bucket.close()
  }
}
