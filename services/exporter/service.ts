import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import { sinkTenantFilter } from '../../schemas/export.js'
import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy } from '../platform/health.js'
import { createKafka } from '../platform/kafka/client.js'
import { createGroupOffsetsReader } from '../platform/kafka/group-offsets.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { parseAllowList } from '../webhooks/ssrf.js'
import { exportMetrics } from './metrics.js'
import type { Positions } from './position.js'
import { createSinkRunner, type SinkRunner, type SinkStatus } from './sink-runner.js'
import { createSink, manifestSigningKey } from './sinks/index.js'

export interface ExporterOptions {
  config: AppConfig
  /** The pipeline's brokers: the normalizer's committed offsets are read there. */
  brokers: string[]
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
}

export interface ExporterHandle {
  runners: Map<string, SinkRunner>
  status(): SinkStatus[]
}

/**
 * Reads of the committed offsets shared by every sink of the process: sinks polling together ask
 * Kafka once. A failed read is not kept, so the next poll asks again.
 */
function sharedCommitted(read: () => Promise<Map<number, number>>, maxAgeMs: number) {
  let last: { atMs: number; value: Promise<Map<number, number>> } | undefined
  return (): Promise<Positions> => {
    if (last && Date.now() - last.atMs < maxAgeMs) return last.value
    const value = read()
    const entry = { atMs: Date.now(), value }
    last = entry
    value.catch(() => {
      if (last === entry) last = undefined
    })
    return value
  }
}

/**
 * The exporter: one loop per configured sink (`export.sinks`), each streaming the stored, redacted
 * events of its tenants from its checkpoint. Registered on the lifecycle so that it stops before
 * the store closes, and on the health registry with each failing sink's detail.
 */
export function startExporter(options: ExporterOptions): ExporterHandle {
  const { config, store, lifecycle } = options
  const logger = options.logger.child({ component: 'exporter' })
  const settings = config.export
  const metrics = exportMetrics(options.registry)
  const allowList = parseAllowList(config.alerts.allowPrivateNetworks)
  const kafka = createKafka(
    { brokers: options.brokers, clientId: `${config.kafka.clientId}-exporter` },
    logger,
  )
  const offsets = createGroupOffsetsReader(kafka, config.normalizer.consumerGroup, config.kafka.topics.raw)
  const committed = sharedCommitted(() => offsets.read(), Math.max(100, settings.pollMs / 2))

  const signingKey = manifestSigningKey(config, logger)
  const runners = new Map<string, SinkRunner>()
  for (const sinkConfig of settings.sinks) {
    const sink = createSink(sinkConfig, {
      allowList,
      pipelineBrokers: options.brokers,
      clientId: config.kafka.clientId,
      logger,
      store,
      signingKey,
    })
    const runner = createSinkRunner({
      sink,
      startFrom: sinkConfig.startFrom,
      tenants: sinkTenantFilter(sinkConfig),
      store,
      committed,
      batchMaxRows:
        ('batchMaxRows' in sinkConfig ? sinkConfig.batchMaxRows : undefined) ?? settings.batchMaxRows,
      batchMaxWaitMs: settings.batchMaxWaitMs,
      pollMs: settings.pollMs,
      unhealthyAfterMs: settings.unhealthyAfterSeconds * 1000,
      logger,
      metrics,
    })
    runners.set(sinkConfig.name, runner)
    runner.start()
  }
  lifecycle.register('exporter', async () => {
    await Promise.all([...runners.values()].map((runner) => runner.stop()))
    await offsets.close()
  })
  lifecycle.health.register('exporter', () => {
    const reasons = [...runners.values()].flatMap((runner) => {
      const state = runner.health()
      return state.healthy ? [] : [state.reason]
    })
    return reasons.length === 0 ? healthy : unhealthy(reasons.join('; '))
  })
  logger.info(
    { sinks: settings.sinks.map((sink) => ({ name: sink.name, type: sink.type })) },
    'exporter_started',
  )
  return { runners, status: () => [...runners.values()].map((runner) => runner.status()) }
}
