import type { IHeaders, Kafka } from '../platform/kafka/client.js'
import type { KafkaMessage } from '../platform/kafka/consumer.js'
import { createProducer, type KafkaProducer } from '../platform/kafka/producer.js'
import type { Logger } from '../platform/logger.js'

/** A message as it was read from its topic, and why it cannot be stored. */
export interface DeadLetter {
  message: KafkaMessage
  reason: string
}

/** Header names on `mcp.audit.dlq`; `dlq replay` reads them to send a message back where it came from. */
export const DLQ_HEADERS = {
  reason: 'dlq_reason',
  topic: 'dlq_original_topic',
  partition: 'dlq_original_partition',
  offset: 'dlq_original_offset',
  at: 'dlq_at',
} as const

/** Start of the reason of a message whose row(s) the store refused for good. */
export const STORE_REFUSED = 'store refused the row'

/**
 * The reason header for a message whose row the store refused. ClickHouse quotes the offending
 * input in its message; a reason names the column and the problem, never the values.
 */
export function storeRefusedReason(error: string): string {
  const withoutValues = error.replace(/'(?:[^'\\\n]|\\.)*'/g, '…')
  return `${STORE_REFUSED}: ${withoutValues}`.slice(0, 300)
}

/**
 * Sends messages that cannot be stored to the dead-letter topic, as they were read, with headers
 * naming their topic, partition and offset. Every kind (unreadable, invalid, refused by the store)
 * is one such message, so `dlq replay` can send each back where it came from. A publish resolves
 * when all replicas have the letters, before the offsets past them are committed.
 */
export class DeadLetterPublisher {
  private readonly producer: KafkaProducer

  constructor(
    kafka: Kafka,
    private readonly dlqTopic: string,
    private readonly logger: Logger,
  ) {
    this.producer = createProducer(kafka)
  }

  connect(): Promise<void> {
    return this.producer.connect()
  }

  async publish(topic: string, partition: number, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return
    const at = new Date().toISOString()
    await this.producer.send([
      {
        topic: this.dlqTopic,
        messages: letters.map(({ message, reason }) => {
          const headers: IHeaders = {
            ...(message.headers ?? {}),
            [DLQ_HEADERS.reason]: reason,
            [DLQ_HEADERS.topic]: topic,
            [DLQ_HEADERS.partition]: String(partition),
            [DLQ_HEADERS.offset]: message.offset,
            [DLQ_HEADERS.at]: at,
          }
          return { key: message.key, value: message.value, headers }
        }),
      },
    ])
    for (const { message, reason } of letters) {
      this.logger.warn({ topic, partition, offset: message.offset, reason }, 'message_dead_lettered')
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect()
  }
}
