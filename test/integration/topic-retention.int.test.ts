import { randomUUID } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import {
  alignTopicConfigs,
  describeTopicConfig,
  pipelineTopics,
} from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createContext } from '../../services/runtime/index.js'

const logger = createLogger({ level: 'silent' })
const brokers = inject('kafkaBrokers')
const kafka = createKafka({ brokers, clientId: 'topic-retention-test' }, logger)
const HOUR_MS = 3_600_000

/** What `start` does with the topics: the runtime context creates them and corrects their settings. */
async function startWith(kafkaConfig: object): Promise<void> {
  const config = AppConfig.parse({
    kafka: { brokers, ...kafkaConfig },
    pseudonymization: { key: 'x'.repeat(32) },
  })
  const lifecycle = new Lifecycle(logger)
  await createContext({ config, logger, lifecycle }, { kafka: 'required', store: false, what: 'the test' })
  await lifecycle.stop('test')
}

describe('retention of the topics that hold clear values', () => {
  const topics = {
    raw: `test.raw.${randomUUID()}`,
    dlq: `test.dlq.${randomUUID()}`,
    receipts: `test.receipts.${randomUUID()}`,
  }

  it('creates the raw topic and the DLQ with retention from config', async () => {
    await startWith({ topics, partitions: 1, rawRetentionHours: 5, dlqRetentionHours: 9 })
    expect((await describeTopicConfig(kafka, topics.raw))['retention.ms']).toBe(String(5 * HOUR_MS))
    expect((await describeTopicConfig(kafka, topics.dlq))['retention.ms']).toBe(String(9 * HOUR_MS))
  })

  it('corrects a changed retention at the next start and keeps the other settings of the topic', async () => {
    // An operator's own setting on the topic, which AlterConfigs must not wipe.
    await alignTopicConfigs(kafka, [
      { topic: topics.raw, configEntries: [{ name: 'segment.ms', value: '7200000' }] },
    ])
    await startWith({ topics, partitions: 1, rawRetentionHours: 2, dlqRetentionHours: 9 })
    const raw = await describeTopicConfig(kafka, topics.raw)
    expect(raw['retention.ms']).toBe(String(2 * HOUR_MS))
    expect(raw['segment.ms']).toBe('7200000')
    expect((await describeTopicConfig(kafka, topics.dlq))['retention.ms']).toBe(String(9 * HOUR_MS))
  })

  it('defaults to 72 hours for the raw topic and 168 for the DLQ, and leaves settings that are right', async () => {
    await startWith({ topics })
    expect((await describeTopicConfig(kafka, topics.raw))['retention.ms']).toBe(String(72 * HOUR_MS))
    expect((await describeTopicConfig(kafka, topics.dlq))['retention.ms']).toBe(String(168 * HOUR_MS))
    const config = AppConfig.parse({ kafka: { brokers, topics } })
    expect(await alignTopicConfigs(kafka, pipelineTopics(config))).toEqual([])
  })
})
