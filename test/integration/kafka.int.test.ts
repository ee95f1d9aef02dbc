import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createConsumer, nextOffset, type Consumer } from '../../services/platform/kafka/consumer.js'
import { createProducer } from '../../services/platform/kafka/producer.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { createLogger } from '../../services/platform/logger.js'

const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'kafka-int-test' }, logger)

/** Consumes with manual commits (as the normalizer does) until `count` messages arrived. */
async function consumeCommitting(consumer: Consumer, topic: string, count: number): Promise<string[]> {
  const values: string[] = []
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${values.length} of ${count} messages arrived`)),
      60_000,
    )
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          for (const message of batch.messages) {
            values.push(message.value?.toString() ?? '')
            resolveOffset(message.offset)
          }
          const last = batch.messages.at(-1)
          if (last) {
            await consumer.commitOffsets([
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: nextOffset(last.offset),
              },
            ])
          }
          await heartbeat()
          if (values.length >= count) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
      .catch(reject)
  })
  return values
}

describe('the local Apache Kafka broker with the platform Kafka module', () => {
  const topic = `test.kafka.${randomUUID()}`
  const groupId = `test-group-${randomUUID()}`
  const producer = createProducer(kafka)

  afterAll(async () => {
    await producer.disconnect()
  })

  it('creates topics idempotently', async () => {
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([topic])
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([])
  })

  it('acknowledges idempotent, compressed, acks=all produce requests', async () => {
    await producer.connect()
    // The send resolves only once every message is acknowledged (acks=all), without an error code.
    await producer.send([
      {
        topic,
        messages: Array.from({ length: 300 }, (_, i) => ({ key: `session-${i % 11}`, value: `event-${i}` })),
      },
    ])
    const admin = kafka.admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets(topic)
    await admin.disconnect()
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(300)
  })

  it('delivers every message to a consumer group and resumes from committed offsets', async () => {
    const first = createConsumer(kafka, { groupId })
    await first.connect()
    const seen = await consumeCommitting(first, topic, 300)
    await first.disconnect()
    expect(new Set(seen).size).toBe(300)

    const admin = kafka.admin()
    await admin.connect()
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
    expect(committed!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(300)
    await admin.disconnect()

    await producer.send([{ topic, messages: [{ key: 'late', value: 'event-after-restart' }] }])
    const second = createConsumer(kafka, { groupId })
    await second.connect()
    const resumed = await consumeCommitting(second, topic, 1)
    await second.disconnect()
    expect(resumed).toEqual(['event-after-restart'])
  })
})
