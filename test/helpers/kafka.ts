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
