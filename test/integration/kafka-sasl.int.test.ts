import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KafkaSasl } from '../../schemas/transport-security.js'
import { parseConfig } from '../../services/platform/config.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { freePort, startLocalKafka, type LocalKafka } from '../../services/platform/local-kafka.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import type { Runtime } from '../../services/runtime/index.js'
import { post, TOKENS } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, waitForCount, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const USER = { username: 'audit', password: 'sasl-test-password-0123' }

/** A broker of its own with a SASL_PLAINTEXT listener: the shared test broker is plaintext only. */
describe('Kafka over SASL (kafka.sasl), against a real broker', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-kafka-sasl-'))
  let broker: LocalKafka | undefined
  let saslBrokers: string[] = []
  let store: TestStore | undefined
  let runtime: Runtime | undefined

  beforeAll(async () => {
    const [port, controllerPort, saslPort] = [await freePort(), await freePort(), await freePort()]
    broker = await startLocalKafka({
      dir,
      port,
      controllerPort,
      heapMb: 384,
      sasl: { port: saslPort, ...USER },
    })
    saslBrokers = [`127.0.0.1:${saslPort}`]
  }, 120_000)
  afterAll(async () => {
    await runtime?.stop('test')
    await store?.dispose()
    await broker?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  async function createTopicWith(sasl: KafkaSasl): Promise<void> {
    const kafka = createKafka({ brokers: saslBrokers, clientId: 'sasl-test', security: { sasl } }, logger)
    await ensureTopics(kafka, [
      { topic: `sasl.${sasl.mechanism}.${randomUUID().slice(0, 8)}`, numPartitions: 1 },
    ])
  }

  it('authenticates with each mechanism and is refused with a wrong password', async () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      await createTopicWith({ mechanism, ...USER })
    }
    await expect(createTopicWith({ mechanism: 'scram-sha-512', ...USER, password: 'wrong' })).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed/,
    )
  })

  it('carries events from the collector to the store with SCRAM-SHA-512, password from KAFKA_SASL_PASSWORD', async () => {
    store = openTestStore()
    await migrate(store, logger)
    const suffix = randomUUID().slice(0, 8)
    const config = parseConfig(
      {
        kafka: {
          brokers: saslBrokers,
          sasl: { mechanism: 'scram-sha-512', username: USER.username },
          topics: { raw: `raw.${suffix}`, dlq: `dlq.${suffix}`, receipts: `receipts.${suffix}` },
          partitions: 1,
        },
        clickhouse: { database: store.database },
        collector: { port: 0, metricsPort: 0, host: '127.0.0.1', metricsHost: '127.0.0.1' },
        pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
        normalizer: { consumerGroup: `sasl-${suffix}`, workers: 0, batchMaxWaitMs: 200 },
        tenants: [{ id: 'acme', tokens: [{ name: 'gw-1', scope: 'ingest', value: TOKENS.acmeIngest }] }],
      },
      { KAFKA_SASL_PASSWORD: USER.password },
    )
    runtime = await startTestRuntime(config, store, { services: ['collector', 'normalizer'] })
    const eventId = `sasl-${suffix}`
    const event = {
      event_id: eventId,
      timestamp: new Date().toISOString(),
      method: 'tools/call',
      tool: 'search',
    }
    expect((await post(`${runtime.collector!.url}/v1/events`, JSON.stringify([event]))).status).toBe(202)
    const stored = await waitForCount(
      store,
      `SELECT count() AS n FROM ${store.database}.audit_events WHERE event_id = {id:String}`,
      1,
      { params: { id: eventId } },
    )
    expect(stored).toBe(1)
  })
})
