import type { Cidr } from '../../../../schemas/cidr.js'
import type { AppConfig } from '../../../../schemas/config.js'
import type { S3SinkConfig } from '../../../../schemas/export.js'
import type { Store } from '../../../platform/clickhouse.js'
import { loadEd25519Key, type Ed25519Key } from '../../../platform/ed25519-key.js'
import type { Logger } from '../../../platform/logger.js'
import { reportKeyFiles } from '../../../platform/report-signing-key.js'
import { readSealsOverlapping } from '../../../platform/store/integrity-seals.js'
import type { Sink } from '../sink.js'
import { openBucket } from './bucket.js'
import { ndjsonEncoder, parquetEncoder } from './encode.js'
import { createS3Sink } from './sink.js'

export { openBucket, type Bucket } from './bucket.js'
export { verifyArchive, type ArchiveProblem, type ArchiveVerification } from './verify.js'

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
