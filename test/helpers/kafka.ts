import { randomUUID } from 'node:crypto'
import type { Kafka } from '../../services/platform/kafka/client.js'
import { createConsumer, type KafkaMessage } from '../../services/platform/kafka/consumer.js'

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
    let reachedAt: number | undefined
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message)
        if (messages.length >= count) reachedAt ??= Date.now()
        return Promise.resolve()
      },
    })
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (reachedAt !== undefined && Date.now() - reachedAt >= settleMs) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await consumer.disconnect()
  }
  return messages
}

export function jsonValues<T = unknown>(messages: readonly KafkaMessage[]): T[] {
  return messages.map((message) => JSON.parse(message.value?.toString() ?? 'null') as T)
}
