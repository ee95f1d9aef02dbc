import type { Kafka, Message, TopicMessages } from '../platform/kafka/client.js'
import { createProducer, type KafkaProducer } from '../platform/kafka/producer.js'
import type { Logger } from '../platform/logger.js'

export class KafkaUnavailableError extends Error {
  readonly retryable = true
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'KafkaUnavailableError'
  }
}

export interface ProducerOptions {
  /** How long a batch waits for more requests to join it. */
  lingerMs?: number
  /** A batch is sent at once when it holds this many messages. */
  maxBatchMessages?: number
  /** A request that is not acknowledged by then gets a 503; Kafka may still take it later (ids dedupe). */
  ackTimeoutMs?: number
  /**
   * A request the broker refused for its size is sent again in sends of at most this many bytes
   * (keys and values, before compression); keep it under the broker's `message.max.bytes`.
   */
  maxSendBytes?: number
}

interface Pending {
  topicMessages: TopicMessages[]
  count: number
  expired: boolean
  resolve: () => void
  reject: (err: Error) => void
}

export interface ProduceObserver {
  onBatch?: (messages: number, seconds: number, ok: boolean) => void
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE'])

/**
 * The broker refused a record or a record batch for its size: kafkajs protocol error types, found
 * through `cause` (retries exceeded) and `errors` (one error per broker).
 */
function isTooLarge(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false
  const { type, cause, errors } = err as Error & { type?: string; cause?: unknown; errors?: unknown }
  if (TOO_LARGE.has(type ?? '')) return true
  if (Array.isArray(errors) && errors.some((inner) => isTooLarge(inner, depth + 1))) return true
  return isTooLarge(cause, depth + 1)
}

function unavailable(err: unknown): KafkaUnavailableError {
  return new KafkaUnavailableError(`Kafka did not accept the events: ${(err as Error).message}`, {
    cause: err,
  })
}

const bytesOf = (message: Message) =>
  (message.key ? Buffer.byteLength(message.key) : 0) + (message.value ? Buffer.byteLength(message.value) : 0)

/** The messages in order, cut into sends whose keys and values hold at most `maxBytes`. */
function chunksOf(topicMessages: TopicMessages[], maxBytes: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = []
  let current: TopicMessages[] = []
  let bytes = 0
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const size = bytesOf(message)
      if (bytes > 0 && bytes + size > maxBytes) {
        chunks.push(current)
        current = []
        bytes = 0
      }
      const last = current.at(-1)
      if (last?.topic === topic) last.messages.push(message)
      else current.push({ topic, messages: [message] })
      bytes += size
    }
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

/**
 * One platform producer (idempotent, acks=all) shared by every request. Requests that arrive within
 * `lingerMs` of each other are sent as one batch, and each request's promise settles only when
 * Kafka has acknowledged every message of the batch it rode in. A failed batch fails no request
 * by itself: each request is sent again on its own and succeeds or fails alone.
 */
export class BatchingProducer {
  private producer: KafkaProducer
  /** Set by a failed send: the next send starts from a new producer (see `send`). */
  private producerSuspect = false
  private readonly lingerMs: number
  private readonly maxBatchMessages: number
  private readonly ackTimeoutMs: number
  private readonly maxSendBytes: number
  private pending: Pending[] = []
  private pendingCount = 0
  private timer: NodeJS.Timeout | undefined
  private inFlight = new Set<Promise<void>>()
  private lastFailureAt = 0
  private lastSuccessAt = 0

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    options: ProducerOptions = {},
    private readonly observer: ProduceObserver = {},
  ) {
    this.lingerMs = options.lingerMs ?? 2
    this.maxBatchMessages = options.maxBatchMessages ?? 5_000
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000
    this.maxSendBytes = options.maxSendBytes ?? 1_000_000
    this.producer = createProducer(kafka)
  }

  connect(): Promise<void> {
    return this.producer.connect()
  }

  /** True when the last produce attempt succeeded (or none has failed yet) and the client is connected. */
  get healthy(): boolean {
    return this.producer.connected && this.lastSuccessAt >= this.lastFailureAt
  }

  /** Resolves when every message is acknowledged by all in-sync replicas; rejects with KafkaUnavailableError. */
  publish(topicMessages: TopicMessages[]): Promise<void> {
    const count = topicMessages.reduce((sum, entry) => sum + entry.messages.length, 0)
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = {
        topicMessages,
        count,
        expired: false,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      }
      // A request still waiting when its deadline passes is answered 503 and never sent, so that a
      // 503 means "not in Kafka" whenever possible (one already on the wire may still land).
      const timer = setTimeout(() => {
        entry.expired = true
        reject(
          new KafkaUnavailableError(`Kafka did not acknowledge the events within ${this.ackTimeoutMs} ms`),
        )
      }, this.ackTimeoutMs)
      this.pending.push(entry)
      this.pendingCount += count
      if (this.pendingCount >= this.maxBatchMessages) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), this.lingerMs)
    })
  }

  /**
   * One batch in flight at a time (the idempotent producer allows one request per broker anyway):
   * requests that arrive meanwhile gather into the next batch, which leaves as soon as the current
   * one is acknowledged.
   */
  private flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === 0 || this.inFlight.size > 0) return
    const batch = this.pending
    this.pending = []
    this.pendingCount = 0
    const send = this.sendBatch(batch).finally(() => {
      this.inFlight.delete(send)
      this.flush()
    })
    this.inFlight.add(send)
  }

  private async sendBatch(all: Pending[]): Promise<void> {
    const batch = all.filter((entry) => !entry.expired)
    if (batch.length === 0) return
    try {
      await this.send(
        batch.flatMap((entry) => entry.topicMessages),
        batch,
      )
      for (const entry of batch) entry.resolve()
      return
    } catch (err) {
      if (batch.length === 1) {
        await this.sendAlone(batch[0]!, err)
        return
      }
    }
    // One request's messages may be what the broker refused (a record too large, a batch over
    // message.max.bytes): each request is sent again on its own, so it fails alone. While Kafka is
    // down this costs one attempt per request, each still bounded by its ack deadline.
    for (const entry of batch) {
      if (entry.expired) continue
      try {
        await this.send(entry.topicMessages, [entry])
        entry.resolve()
      } catch (err) {
        await this.sendAlone(entry, err)
      }
    }
  }

  /**
   * A request that failed on its own: when the broker refused it for its size, its messages go in
   * smaller sends (each message is under `maxRecordBytes`, checked by the app), in order; otherwise
   * it fails with the first error.
   */
  private async sendAlone(entry: Pending, first: unknown): Promise<void> {
    if (!isTooLarge(first) || entry.expired) {
      entry.reject(unavailable(first))
      return
    }
    try {
      for (const chunk of chunksOf(entry.topicMessages, this.maxSendBytes)) {
        if (entry.expired) return
        await this.send(chunk, [entry])
      }
      entry.resolve()
    } catch (err) {
      entry.reject(unavailable(err))
    }
  }

  private async send(topicMessages: TopicMessages[], entries: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>()
    for (const { topic, messages } of topicMessages) {
      const list = byTopic.get(topic) ?? []
      for (const message of messages) list.push(message)
      byTopic.set(topic, list)
    }
    const messages = topicMessages.reduce((sum, entry) => sum + entry.messages.length, 0)
    // After a failed send kafkajs' idempotence state may no longer match the broker's: it rolls
    // back the sequence numbers of every partition of a refused request, also of partitions the
    // broker appended, and each later send to those gets OUT_OF_ORDER_SEQUENCE_NUMBER. A new
    // producer (a new producer id) starts the sequences afresh; ids dedupe what is sent twice.
    if (this.producerSuspect) {
      this.producerSuspect = false
      await this.producer.disconnect().catch(() => undefined)
      this.producer = createProducer(this.kafka)
    }
    const started = performance.now()
    try {
      await this.producer.send(
        [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
        { ackTimeoutMs: this.ackTimeoutMs },
      )
      this.lastSuccessAt = Date.now()
      this.observer.onBatch?.(messages, (performance.now() - started) / 1000, true)
    } catch (err) {
      this.producerSuspect = true
      this.lastFailureAt = Date.now()
      this.observer.onBatch?.(messages, (performance.now() - started) / 1000, false)
      this.logger.warn({ err, messages, requests: entries.length }, 'kafka_produce_failed')
      throw err
    }
  }

  /** Sends what is queued, waits for every batch in flight, then disconnects. */
  async stop(): Promise<void> {
    this.flush()
    while (this.inFlight.size > 0 || this.pending.length > 0) {
      await Promise.allSettled([...this.inFlight])
      this.flush()
    }
    await this.producer.disconnect()
  }
}
