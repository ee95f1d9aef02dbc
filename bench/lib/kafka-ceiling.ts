import { CompressionTypes, type Admin, type Kafka } from 'kafkajs'
import type { ProducedMessages } from './collector-path.js'

/** Messages a topic holds (sum over partitions of high minus low watermark). */
export async function topicMessageCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic)
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0)
}

export interface RawProduceOptions {
  rawTopic: string
  receiptsTopic: string
  /** One entry per request: its event messages and its receipt, exactly as the collector builds them. */
  requests: readonly ProducedMessages[]
  /** sendBatch calls in flight at once (the client still sends one request at a time per broker). */
  concurrency: number
  durationMs: number
}

export interface RawProduceResult {
  windowMs: number
  sends: number
  eventMessages: number
  latenciesMs: number[]
}

/**
 * kafkajs alone, with the collector's producer settings (idempotent, one request in flight,
 * acks=all, gzip, same retry policy) and one sendBatch per request body: the ceiling the
 * collector's HTTP, parsing and batching sit on top of.
 */
export async function rawProduce(kafka: Kafka, options: RawProduceOptions): Promise<RawProduceResult> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 2_000 },
  })
  await producer.connect()
  const result: RawProduceResult = { windowMs: 0, sends: 0, eventMessages: 0, latenciesMs: [] }
  try {
    let next = 0
    const started = performance.now()
    const end = started + options.durationMs
    const sender = async () => {
      while (performance.now() < end) {
        const request = options.requests[next++ % options.requests.length]!
        const sent = performance.now()
        await producer.sendBatch({
          acks: -1,
          timeout: 10_000,
          compression: CompressionTypes.GZIP,
          topicMessages: [
            { topic: options.rawTopic, messages: request.events },
            { topic: options.receiptsTopic, messages: [request.receipt] },
          ],
        })
        result.latenciesMs.push(performance.now() - sent)
        result.sends++
        result.eventMessages += request.events.length
      }
    }
    await Promise.all(Array.from({ length: options.concurrency }, sender))
    result.windowMs = performance.now() - started
    return result
  } finally {
    await producer.disconnect()
  }
}
