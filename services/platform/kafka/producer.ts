import { CompressionTypes, Partitioners, type Kafka, type TopicMessages } from 'kafkajs'
import { useFastGzip } from './gzip.js'

/** How long a send waits for every in-sync replica to acknowledge it, unless the caller says otherwise. */
const DEFAULT_ACK_TIMEOUT_MS = 30_000

/**
 * The one kind of producer mcp-audit writes to Kafka with (collector, DLQ, self-audit, replay):
 * idempotent with one request in flight, so the client's retries neither duplicate nor reorder;
 * topics are never created by a send; every send waits for all in-sync replicas (acks=all), so a
 * resolved send survives the loss of a broker.
 */
export interface KafkaProducer {
  /** Connects now; a send connects by itself when it has to. */
  connect(): Promise<void>
  /** False after the client lost its connection, until the next connect or send. */
  readonly connected: boolean
  /** Resolves when Kafka acknowledged every message; rejects with the client's error otherwise. */
  send(topicMessages: TopicMessages[], options?: { ackTimeoutMs?: number }): Promise<void>
  disconnect(): Promise<void>
}

export function createProducer(kafka: Kafka): KafkaProducer {
  useFastGzip()
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 2_000 },
  })
  let connected = false
  producer.on('producer.disconnect', () => {
    connected = false
  })
  const connect = async () => {
    await producer.connect()
    connected = true
  }
  return {
    connect,
    get connected() {
      return connected
    },
    async send(topicMessages, { ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS } = {}) {
      if (topicMessages.every((entry) => entry.messages.length === 0)) return
      if (!connected) await connect()
      await producer.sendBatch({
        acks: -1,
        timeout: ackTimeoutMs,
        compression: CompressionTypes.GZIP,
        topicMessages,
      })
    },
    async disconnect() {
      await producer.disconnect()
      connected = false
    },
  }
}
