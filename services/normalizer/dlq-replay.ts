import { randomBytes } from 'node:crypto'
import type { IHeaders, Kafka, Message } from '../platform/kafka/client.js'
import { createConsumer, nextOffset } from '../platform/kafka/consumer.js'
import { createProducer } from '../platform/kafka/producer.js'
import type { Logger } from '../platform/logger.js'
import { DLQ_HEADERS } from './dlq.js'
import { createRedactor } from './redaction/index.js'

export interface ReplayOptions {
  kafka: Kafka
  dlqTopic: string
  /** Topics a dead letter may go back to (the pipeline's input topics). */
  sourceTopics: readonly string[]
  /** Where a letter goes whose original topic is missing or not a source topic (written by an older version). */
  defaultTopic: string
  logger: Logger
  groupId?: string
  /** List what would be replayed, without producing or committing. */
  dryRun?: boolean
  timeoutMs?: number
}

/** What `dlq replay` prints for each letter: where it was and goes, why, and its size; never its key or value. */
export interface ReplayedLetter {
  partition: number
  offset: string
  target: string
  /** The reason header, redacted: reasons written by older versions may quote message content. */
  reason: string
  original: string
  /** Size of the message value in bytes. */
  bytes: number
}

/**
 * Reasons are redacted like stored text. Only placeholders are printed, so the pseudonym key is a
 * random one of this process rather than the configured one, which `dlq replay` does not need.
 */
const reasonRedactor = createRedactor({ hmacKey: randomBytes(32).toString('hex') })

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name]
  if (value === undefined) return undefined
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? undefined : first.toString()
}

/** The DLQ partitions with letters this group has not replayed yet, and the offset each ends at now. */
async function pendingEnds(kafka: Kafka, dlqTopic: string, groupId: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const ends = await admin.fetchTopicOffsets(dlqTopic)
    const [committed] = await admin.fetchOffsets({ groupId, topics: [dlqTopic] })
    const startOf = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? [])
    const pending = new Map<number, bigint>()
    for (const end of ends) {
      const from = startOf.get(end.partition) ?? -1n
      const next = from < 0n ? BigInt(end.low) : from
      if (next < BigInt(end.high)) pending.set(end.partition, BigInt(end.high))
    }
    return pending
  } finally {
    await admin.disconnect()
  }
}

/**
 * Re-drives dead-lettered messages (after a fix) to the topic they came from. Every kind of dead
 * letter is the original message with headers naming its position, so each goes back as it was
 * read. Progress is kept in its own consumer group, so a replay resumes where the last one stopped
 * and nothing is sent twice by it; any repeat that does reach the store is collapsed by event id.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayedLetter[]> {
  const { kafka, dlqTopic, logger } = options
  const groupId = options.groupId ?? 'mcp-audit-dlq-replay'
  const timeoutMs = options.timeoutMs ?? 60_000
  const pending = await pendingEnds(kafka, dlqTopic, groupId)
  if (pending.size === 0) return []

  const sources = new Set(options.sourceTopics)
  const replayed: ReplayedLetter[] = []
  const producer = createProducer(kafka)
  const consumer = createConsumer(kafka, { groupId })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dlq replay did not reach the end of ${dlqTopic} within ${timeoutMs} ms`)),
        timeoutMs,
      )
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            const { batch } = payload
            const end = pending.get(batch.partition)
            const messages = batch.messages.filter((m) => end !== undefined && BigInt(m.offset) < end)
            const byTarget = new Map<string, Message[]>()
            for (const message of messages) {
              const original = header(message.headers, DLQ_HEADERS.topic)
              const target = original !== undefined && sources.has(original) ? original : options.defaultTopic
              const headers: IHeaders = { ...(message.headers ?? {}) }
              for (const name of Object.values(DLQ_HEADERS)) delete headers[name]
              headers.dlq_replayed_from = `${dlqTopic}:${batch.partition}:${message.offset}`
              const list = byTarget.get(target) ?? []
              list.push({ key: message.key, value: message.value, headers })
              byTarget.set(target, list)
              replayed.push({
                partition: batch.partition,
                offset: message.offset,
                target,
                reason: reasonRedactor.redactText(header(message.headers, DLQ_HEADERS.reason) ?? '').text,
                original: `${original ?? '?'}:${header(message.headers, DLQ_HEADERS.partition) ?? '?'}:${header(message.headers, DLQ_HEADERS.offset) ?? '?'}`,
                bytes: message.value?.length ?? 0,
              })
            }
            if (!options.dryRun) {
              await producer.send([...byTarget].map(([topic, list]) => ({ topic, messages: list })))
            }
            const last = messages.at(-1)
            if (last) {
              payload.resolveOffset(last.offset)
              if (!options.dryRun) {
                await consumer.commitOffsets([
                  { topic: dlqTopic, partition: batch.partition, offset: nextOffset(last.offset) },
                ])
              }
              if (end !== undefined && BigInt(last.offset) + 1n >= end) pending.delete(batch.partition)
            }
            await payload.heartbeat()
            if (pending.size === 0) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
    await producer.disconnect()
  }
  logger.info({ count: replayed.length, dry_run: options.dryRun === true }, 'dlq_replayed')
  return replayed
}
