import { Partitioners, type IHeaders, type Kafka, type KafkaMessage, type Producer } from 'kafkajs'
import type { Logger } from '../platform/logger.js'

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

/** Sends poison messages to the dead-letter topic, acknowledged by all replicas before their offsets move on. */
export class DeadLetterPublisher {
  private readonly producer: Producer

  constructor(
    kafka: Kafka,
    private readonly dlqTopic: string,
    private readonly logger: Logger,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    })
  }

  connect(): Promise<void> {
    return this.producer.connect()
  }

  async publish(topic: string, partition: number, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return
    await this.producer.send({
      topic: this.dlqTopic,
      acks: -1,
      messages: letters.map(({ message, reason }) => {
        const headers: IHeaders = {
          ...(message.headers ?? {}),
          [DLQ_HEADERS.reason]: reason,
          [DLQ_HEADERS.topic]: topic,
          [DLQ_HEADERS.partition]: String(partition),
          [DLQ_HEADERS.offset]: message.offset,
          [DLQ_HEADERS.at]: new Date().toISOString(),
        }
        return { key: message.key, value: message.value, headers }
      }),
    })
    for (const { message, reason } of letters) {
      this.logger.warn({ topic, partition, offset: message.offset, reason }, 'message_dead_lettered')
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect()
  }
}
