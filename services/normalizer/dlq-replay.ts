import type { IHeaders, Kafka } from 'kafkajs'
import type { Logger } from '../platform/logger.js'
import { DLQ_HEADERS } from './dlq.js'

export interface ReplayOptions {
  kafka: Kafka
  dlqTopic: string
  /** Where a message goes when it carries no original-topic header. */
  defaultTopic: string
  logger: Logger
  groupId?: string
  /** List what would be replayed, without producing or committing. */
  dryRun?: boolean
  timeoutMs?: number
}

export interface ReplayedLetter {
  partition: number
  offset: string
  target: string
  reason: string
  original: string
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name]
  if (value === undefined) return undefined
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? undefined : first.toString()
}

/**
 * Re-drives dead-lettered messages (after a fix) to the topic they came from. Progress is kept in
 * its own consumer group, so a replay resumes where the last one stopped and nothing is sent twice
 * by it; any repeat that does reach the store is collapsed by event id.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayedLetter[]> {
  const { kafka, dlqTopic, logger } = options
  const groupId = options.groupId ?? 'mcp-audit-dlq-replay'
  const admin = kafka.admin()
  await admin.connect()
  const ends = await admin.fetchTopicOffsets(dlqTopic)
  const [committed] = await admin.fetchOffsets({ groupId, topics: [dlqTopic] })
  await admin.disconnect()

  const startOf = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? [])
  const pending = new Map<number, bigint>()
  for (const end of ends) {
    const from = startOf.get(end.partition) ?? -1n
    const low = BigInt(end.low)
    const high = BigInt(end.high)
    const next = from < 0n ? low : from
    if (next < high) pending.set(end.partition, high)
  }
  if (pending.size === 0) return []

  const replayed: ReplayedLetter[] = []
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false })
  await producer.connect()
  await consumer.connect()
  try {
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `dlq replay did not reach the end of ${dlqTopic} within ${options.timeoutMs ?? 60_000} ms`,
            ),
          ),
        options.timeoutMs ?? 60_000,
      )
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            const { batch } = payload
            const end = pending.get(batch.partition)
            const messages = batch.messages.filter((m) => end !== undefined && BigInt(m.offset) < end)
            const byTarget = new Map<
              string,
              Array<{ key: Buffer | null; value: Buffer | null; headers: IHeaders }>
            >()
            for (const message of messages) {
              const target = header(message.headers, DLQ_HEADERS.topic) ?? options.defaultTopic
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
                reason: header(message.headers, DLQ_HEADERS.reason) ?? '',
                original: `${header(message.headers, DLQ_HEADERS.topic) ?? '?'}:${header(message.headers, DLQ_HEADERS.partition) ?? '?'}:${header(message.headers, DLQ_HEADERS.offset) ?? '?'}`,
              })
            }
            if (!options.dryRun && byTarget.size > 0) {
              await producer.sendBatch({
                acks: -1,
                topicMessages: [...byTarget].map(([topic, list]) => ({ topic, messages: list })),
              })
            }
            const last = messages.at(-1)
            if (last) {
              payload.resolveOffset(last.offset)
              if (!options.dryRun) {
                await consumer.commitOffsets([
                  {
                    topic: dlqTopic,
                    partition: batch.partition,
                    offset: (BigInt(last.offset) + 1n).toString(),
                  },
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
