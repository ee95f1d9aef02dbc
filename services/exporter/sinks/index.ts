import type { Cidr } from '../../../schemas/cidr.js'
import type { SinkConfig } from '../../../schemas/export.js'
import type { Logger } from '../../platform/logger.js'
import type { ExportMetrics } from '../metrics.js'
import { createKafkaSink } from './kafka.js'
import { createOtlpHttpSink } from './otlp-http.js'
import type { Sink } from './sink.js'
import { createSplunkHecSink } from './splunk-hec.js'
import { createSyslogSink } from './syslog.js'

export { sendFailure, type SendFailure, type Sink } from './sink.js'

export interface SinkDependencies {
  allowList: readonly Cidr[]
  pipelineBrokers: readonly string[]
  clientId: string
  logger: Logger
  metrics: Pick<ExportMetrics, 'rejected'>
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
        clientId: `${deps.clientId}-export-${config.name}`,
        allowList: deps.allowList,
        logger: deps.logger,
      })
    case 'syslog':
      return createSyslogSink({ config, allowList: deps.allowList, logger: deps.logger })
  }
}
