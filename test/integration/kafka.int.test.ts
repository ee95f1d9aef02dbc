import { randomUUID } from 'node:crypto'
import { CompressionTypes, type Consumer } from 'kafkajs'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createKafka, ensureTopics } from '../../services/platform/kafka.js'
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
                offset: (BigInt(last.offset) + 1n).toString(),
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

describe('the local Apache Kafka broker with kafkajs', () => {
  const topic = `test.kafka.${randomUUID()}`
  const groupId = `test-group-${randomUUID()}`
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })

  afterAll(async () => {
    await producer.disconnect()
  })

  it('creates topics idempotently', async () => {
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([topic])
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([])
  })

  it('acknowledges idempotent, compressed, acks=all produce requests', async () => {
    await producer.connect()
    const metadata = await producer.send({
      topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 300 }, (_, i) => ({ key: `session-${i % 11}`, value: `event-${i}` })),
    })
    expect(metadata.map((m) => m.errorCode)).toEqual(metadata.map(() => 0))
    const admin = kafka.admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets(topic)
    await admin.disconnect()
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(300)
  })

  it('delivers every message to a consumer group and resumes from committed offsets', async () => {
    const first = kafka.consumer({ groupId, sessionTimeout: 10_000 })
    await first.connect()
    const seen = await consumeCommitting(first, topic, 300)
    await first.disconnect()
    expect(new Set(seen).size).toBe(300)

    const admin = kafka.admin()
    await admin.connect()
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
    expect(committed!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(300)
    await admin.disconnect()

    await producer.send({ topic, acks: -1, messages: [{ key: 'late', value: 'event-after-restart' }] })
    const second = kafka.consumer({ groupId, sessionTimeout: 10_000 })
    await second.connect()
    const resumed = await consumeCommitting(second, topic, 1)
    await second.disconnect()
    expect(resumed).toEqual(['event-after-restart'])
  })
})
