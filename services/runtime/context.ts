import path from 'node:path'
import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import { openStore, type Store } from '../platform/clickhouse.js'
import { withDevTenant, type DevTenant } from '../platform/dev-tenant.js'
import { healthy, unhealthy, type HealthProbe } from '../platform/health.js'
import { requireBrokers } from '../platform/config.js'
import { createKafka } from '../platform/kafka/client.js'
import { alignTopicConfigs, ensureTopics, pipelineTopics } from '../platform/kafka/topics.js'
import { Lifecycle } from '../platform/lifecycle.js'
import { startLocalKafka } from '../platform/local-kafka.js'
import type { Logger } from '../platform/logger.js'
import { createMetricsRegistry } from '../platform/metrics.js'
import { migrate } from '../platform/migrations.js'

/** What every service of a process shares. */
export interface RuntimeContext {
  config: AppConfig
  logger: Logger
  /** Ordered shutdown, and the health registry every `/readyz` of the process answers from. */
  lifecycle: Lifecycle
  registry: Registry
  /** Empty when the process runs without Kafka. */
  brokers: string[]
  /** Whether `brokers` is a broker this process started in its data directory. */
  localKafka: boolean
  store?: Store
  devTenant?: DevTenant
}

export interface ContextNeeds {
  /**
   * `local`: the configured brokers, else a broker started in the data directory (`start`);
   * `required`: the configured brokers, refusing to start without; `optional`: configured ones if any;
   * `none`: no Kafka.
   */
  kafka: 'local' | 'required' | 'optional' | 'none'
  /** Open the store (and migrate it), unless the caller passes one. */
  store: boolean
  /** A development tenant when none is configured (`start`, the reporter). */
  devTenant?: boolean
  /** Names the process in errors, e.g. "the normalizer". */
  what: string
}

export interface ContextInputs {
  config: AppConfig
  logger: Logger
  lifecycle?: Lifecycle
  /** A store the caller opened, migrated and closes (tests). */
  store?: Store
  registry?: Registry
}

/** `/readyz` asks the store for a ping; an unreachable store makes every service of the process not ready. */
function storeProbe(store: Store): HealthProbe {
  return async () => {
    const ok = await store.client.ping().then(
      (result) => result.success,
      () => false,
    )
    return ok ? healthy : unhealthy(`ClickHouse unreachable (${store.location})`)
  }
}

async function resolveBrokers(
  config: AppConfig,
  needs: ContextNeeds,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ brokers: string[]; local: boolean }> {
  const configured = config.kafka.brokers ?? []
  if (configured.length > 0 || needs.kafka === 'optional' || needs.kafka === 'none') {
    return { brokers: needs.kafka === 'none' ? [] : configured, local: false }
  }
  if (needs.kafka === 'required') requireBrokers(config, needs.what)
  const local = await startLocalKafka({
    dir: path.join(config.dataDir, 'kafka'),
    port: config.kafka.localPort,
    partitions: config.kafka.partitions,
    logger,
  })
  lifecycle.register('kafka-local', local.stop)
  // On a second Ctrl-C the broker still gets its SIGTERM and shuts itself down cleanly.
  lifecycle.onForcedExit('kafka-local', () => {
    if (local.pid > 0) process.kill(local.pid, 'SIGTERM')
  })
  return { brokers: local.brokers, local: true }
}

/**
 * Brings up what the chosen services need, in order: Kafka (local when `start` has none
 * configured), the pipeline's topics, the store and its migrations, one metrics registry.
 * Everything opened here is registered on the lifecycle, to close after the services.
 */
export async function createContext(inputs: ContextInputs, needs: ContextNeeds): Promise<RuntimeContext> {
  const { logger } = inputs
  const { config, devTenant } = needs.devTenant
    ? withDevTenant(inputs.config)
    : { config: inputs.config, devTenant: undefined }
  const lifecycle = inputs.lifecycle ?? new Lifecycle(logger)
  const { brokers, local } = await resolveBrokers(config, needs, logger, lifecycle)

  let store = inputs.store
  if (!store && needs.store) {
    store = openStore(config)
    lifecycle.register('clickhouse', store.close)
    await migrate(store, logger)
  }
  if (store) lifecycle.health.register('clickhouse', storeProbe(store))

  if (brokers.length > 0) {
    const kafka = createKafka({ brokers, clientId: config.kafka.clientId, security: config.kafka }, logger)
    const topics = pipelineTopics(config)
    const created = await ensureTopics(kafka, topics)
    if (created.length > 0) logger.info({ topics: created }, 'kafka_topics_created')
    const corrected = await alignTopicConfigs(kafka, topics)
    if (corrected.length > 0) logger.info({ changes: corrected }, 'kafka_topic_configs_corrected')
  }
  return {
    config,
    logger,
    lifecycle,
    registry: inputs.registry ?? createMetricsRegistry(),
    brokers,
    localKafka: local,
    ...(store ? { store } : {}),
    ...(devTenant ? { devTenant } : {}),
  }
}
