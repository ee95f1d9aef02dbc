import type { Registry } from 'prom-client'
import { AppConfig } from '../../schemas/config.js'
import type { NormalizerHandle } from '../../services/normalizer/service.js'
import type { Store } from '../../services/platform/clickhouse.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createContext, startServices, type Runtime } from '../../services/runtime/index.js'

export const TEST_PSEUDONYMIZATION_KEY = 'test-pseudonymization-key-0123456789'

export interface TestNormalizer {
  handle: NormalizerHandle
  registry: Registry
  runtime: Runtime
  stop: () => Promise<void>
}

/**
 * Services of the runtime, wired as production wires them, on a test store the caller opened and
 * migrated (and disposes). `config` names the brokers and topics.
 */
export async function startTestRuntime(
  config: AppConfig,
  store: Store,
  selection: Parameters<typeof startServices>[1],
  lifecycle = new Lifecycle(createLogger({ level: 'silent' })),
): Promise<Runtime> {
  const context = await createContext(
    { config, logger: createLogger({ level: 'silent' }), lifecycle, store },
    { kafka: 'required', store: false, what: 'the test pipeline' },
  )
  return startServices(context, selection)
}

/** A normalizer in this process, reading the given topics into the given test store. */
export async function startTestNormalizer(
  brokers: string[],
  store: Store,
  topics: { raw: string; dlq: string; receipts: string },
  options: { workers?: number; batchMaxWaitMs?: number; groupId?: string } = {},
): Promise<TestNormalizer> {
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
  const runtime = await startTestRuntime(config, store, { services: ['normalizer'] })
  return {
    handle: runtime.normalizer!,
    registry: runtime.context.registry,
    runtime,
    stop: () => runtime.stop('test'),
  }
}
