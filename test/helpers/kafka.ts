import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka } from '../../services/platform/kafka/client.js'
import { createConsumer, type KafkaMessage } from '../../services/platform/kafka/consumer.js'
import { waitFor } from './wait.js'

/**
 * Reads a topic from the beginning with a fresh consumer group until `count` messages arrived,
 * then keeps listening for `settleMs` so that duplicates beyond the expected count are seen too.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  { timeoutMs = 60_000, settleMs = 1_000 } = {},
): Promise<KafkaMessage[]> {
  const consumer = createConsumer(kafka, { groupId: `test-reader-${randomUUID()}` })
  const messages: KafkaMessage[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message)
        return Promise.resolve()
      },
    })
    await waitFor(() => messages.length, {
      description: `${count} messages on ${topic}`,
      timeoutMs,
      until: (received) => received >= count,
    })
    // Listening on after the count is reached is the point: duplicates beyond it must show up.
    await sleep(settleMs)
  } finally {
    await consumer.disconnect()
  }
  return messages
}

export function jsonValues<T = unknown>(messages: readonly KafkaMessage[]): T[] {
  return messages.map((message) => JSON.parse(message.value?.toString() ?? 'null') as T)
}

/** Whether consumer group `groupId` has committed every partition of `topic` up to its end. */
export async function groupCaughtUp(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const ends = await admin.fetchTopicOffsets(topic)
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
    const committedBy = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? [])
    return ends.every((end) => (committedBy.get(end.partition) ?? -1) >= Number(end.high))
  } finally {
    await admin.disconnect()
  }
}

/**
 * A raw-topic message as the collector writes it: one generic `tools/call` event with id `id`,
 * keyed by session so that events spread over the partitions.
 */
export function rawEventMessage(
  id: string,
  { tenantId = 'acme', session = 'session-0', occurredAt = new Date() } = {},
): { key: string; value: string } {
  return {
    key: session,
    value: JSON.stringify({
      v: 1,
      tenant_id: tenantId,
      gateway: 'test-gw',
      format: 'generic',
      received_at: new Date().toISOString(),
      event: {
        event_id: id,
        timestamp: occurredAt.toISOString(),
        method: 'tools/call',
        server: { name: 'github' },
        tool: 'create_issue',
        user: { id: `user-of-${session}` },
        arguments: { id },
        status: 'success',
      },
    }),
  }
}
