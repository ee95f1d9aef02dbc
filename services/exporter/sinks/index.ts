import type { Cidr } from '../../../schemas/cidr.js'
import type { SinkConfig } from '../../../schemas/export.js'
import type { Store } from '../../platform/clickhouse.js'
import type { Ed25519Key } from '../../platform/ed25519-key.js'
import type { KafkaSecurity } from '../../platform/kafka/security.js'
import type { Logger } from '../../platform/logger.js'
import type { ExportMetrics } from '../metrics.js'
import { createKafkaSink } from './kafka.js'
import { createOtlpHttpSink } from './otlp-http.js'
import { s3Sink } from './s3/index.js'
import type { Sink } from './sink.js'
import { createSplunkHecSink } from './splunk-hec.js'
import { createSyslogSink } from './syslog.js'

export { manifestSigningKey } from './s3/index.js'
export { sendFailure, type SendFailure, type Sink } from './sink.js'

export interface SinkDependencies {
  allowList: readonly Cidr[]
  pipelineBrokers: readonly string[]
  /** The pipeline cluster's `kafka.ssl`/`kafka.sasl`: used by a Kafka sink without its own `brokers`. */
  pipelineSecurity?: KafkaSecurity
  clientId: string
  logger: Logger
  metrics: Pick<ExportMetrics, 'rejected'>
  /** The store: the S3 sink writes Parquet with its engine and names the integrity seals it holds. */
  store: Pick<Store, 'client' | 'database' | 'mode'>
  /** The report signing key (S3 manifests), loaded on first use. */
  signingKey: () => Ed25519Key
}

/** The sink of one `export.sinks[]` entry, by type. */
export function createSink(config: SinkConfig, deps: SinkDependencies): Sink {
  switch (config.type) {
    case 'splunk-hec':
      return createSplunkHecSink({ config, allowList: deps.allowList })
    case 'otlp-http':
      return createOtlpHttpSink({
        config,
        allowList: deps.allowList,
        logger: deps.logger,
        rejected: deps.metrics.rejected,
      })
    case 'kafka':
      return createKafkaSink({
        config,
        pipelineBrokers: deps.pipelineBrokers,
        ...(deps.pipelineSecurity === undefined ? {} : { pipelineSecurity: deps.pipelineSecurity }),
        clientId: `${deps.clientId}-export-${config.name}`,
        allowList: deps.allowList,
        logger: deps.logger,
      })
    case 'syslog':
      return createSyslogSink({ config, allowList: deps.allowList, logger: deps.logger })
    case 's3':
      return s3Sink(config, deps)
  }
}
