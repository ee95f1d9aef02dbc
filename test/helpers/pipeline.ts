import { AppConfig } from '../../schemas/config.js'
import type { Store } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { startNormalizer, type NormalizerHandle } from '../../services/normalizer/service.js'
import type { Registry } from 'prom-client'

export const TEST_PSEUDONYMIZATION_KEY = 'test-pseudonymization-key-0123456789'

export interface TestNormalizer {
  handle: NormalizerHandle
  registry: Registry
  stop: () => Promise<void>
}

/** A normalizer in this process, reading the given topics into the given test store. */
export async function startTestNormalizer(
  brokers: string[],
  store: Store,
  topics: { raw: string; dlq: string; receipts: string },
  options: { workers?: number; batchMaxWaitMs?: number; groupId?: string } = {},
): Promise<TestNormalizer> {
  const logger = createLogger({ level: 'silent' })
  await ensureTopics(createKafka({ brokers, clientId: 'test-setup' }, logger), [
    { topic: topics.raw, numPartitions: 3 },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.receipts, numPartitions: 1 },
  ])
  const config = AppConfig.parse({
    kafka: { brokers, topics, partitions: 3 },
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY, serviceAccounts: ['svc-backup'] },
    normalizer: {
      consumerGroup: options.groupId ?? `test-normalizer-${topics.raw}`,
      workers: options.workers ?? 0,
      batchMaxWaitMs: options.batchMaxWaitMs ?? 200,
    },
    tenants: [
      { id: 'acme', retention: { minDays: 365, maxDays: 730 } },
      { id: 'slow', retention: { minDays: 30, maxDays: 60 } },
    ],
  })
  const lifecycle = new Lifecycle(logger)
  const registry = createMetricsRegistry()
  const handle = await startNormalizer({
    config,
    brokers,
    store,
    logger,
    registry,
    lifecycle,
    pseudonymizationKey: TEST_PSEUDONYMIZATION_KEY,
  })
  return { handle, registry, stop: () => lifecycle.stop('test') }
}
