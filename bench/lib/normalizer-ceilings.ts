import { randomBytes } from 'node:crypto'
import type { Kafka } from 'kafkajs'
import type { AuditRow } from '../../schemas/audit-row.js'
import type { Store } from '../../services/platform/clickhouse.js'
import { auditEventsTable } from '../../services/platform/store/audit-events.js'
import { RunProbe, type RunUse } from './normalizer-probes.js'
import { summarize, type LatencySummary } from './stats.js'

/**
 * What the normalizer sits on, each part alone on the same data: kafkajs consuming the topic with
 * the normalizer's consumer settings and no processing, and the pipeline's rows inserted into the
 * embedded store the way the writer does.
 */

export interface ConsumeResult {
  messages: number
  /** From connect to the last message handed to eachBatch, and to the commit acknowledged. */
  joinSeconds: number
  consumedSeconds: number
  committedSeconds: number
  batches: number
  resources: RunUse
}

/**
 * kafkajs alone: a new group reads the topic from the beginning with the normalizer's consumer
 * settings (eachBatch, manual resolve, one partition at a time), counts the messages, and commits
 * the end offsets once when it has them all.
 */
export async function rawConsume(
  kafka: Kafka,
  options: { topic: string; expected: number; brokerPid: number; timeoutMs: number },
): Promise<ConsumeResult> {
  const consumer = kafka.consumer({
    groupId: `bench-raw-consume-${randomBytes(4).toString('hex')}`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    allowAutoTopicCreation: false,
  })
  const probe = new RunProbe(options.brokerPid)
  const started = performance.now()
  const last = new Map<number, string>()
  let messages = 0
  let batches = 0
  let allIn: () => void = () => undefined
  const done = new Promise<void>((resolve) => (allIn = resolve))
  try {
    await consumer.connect()
    await consumer.subscribe({ topic: options.topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload
        const tail = batch.messages.at(-1)
        if (!tail) return
        messages += batch.messages.length
        batches++
        last.set(batch.partition, tail.offset)
        payload.resolveOffset(tail.offset)
        await payload.heartbeat()
        if (messages >= options.expected) allIn()
      },
    })
    const joined = performance.now()
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`kafkajs alone read ${messages} of ${options.expected} messages in time`)),
        options.timeoutMs,
      )
    })
    try {
      await Promise.race([done, timedOut])
    } finally {
      clearTimeout(timer)
    }
    const consumed = performance.now()
    await consumer.commitOffsets(
      [...last].map(([partition, offset]) => ({
        topic: options.topic,
        partition,
        offset: (BigInt(offset) + 1n).toString(),
      })),
    )
    const committed = performance.now()
    const resources = probe.read()
    return {
      messages,
      joinSeconds: (joined - started) / 1000,
      consumedSeconds: (consumed - started) / 1000,
      committedSeconds: (committed - started) / 1000,
      batches,
      resources,
    }
  } finally {
    await consumer.disconnect()
  }
}

export interface InsertResult {
  rows: number
  batchRows: number
  /** Mean size of a row as the writer sends it (a JSONCompactEachRow line). */
  rowJsonBytes: number
  seconds: number
  /** Wall time of each insert call. */
  latency: LatencySummary
  resources: RunUse
  /** `count() FROM … FINAL` afterwards. */
  stored: number
}

/**
 * @clickhouse/client alone on the embedded store: the rows in batches of `batchRows`, one insert at
 * a time, through the table module the writer uses (JSONCompactEachRow lines, encoded here on the
 * main thread, which the normalizer leaves to its workers; a deduplication token, no async insert).
 */
export async function rawInsert(
  store: Store,
  rows: readonly AuditRow[],
  options: { batchRows: number; brokerPid: number },
): Promise<InsertResult> {
  const table = auditEventsTable(store)
  const latencies: number[] = []
  const probe = new RunProbe(options.brokerPid)
  const started = performance.now()
  for (let start = 0; start < rows.length; start += options.batchRows) {
    const began = performance.now()
    await table.insert(rows.slice(start, start + options.batchRows), {
      dedupToken: `bench-insert-${start}`,
      settings: { async_insert: 0 },
    })
    latencies.push(performance.now() - began)
  }
  const seconds = (performance.now() - started) / 1000
  const resources = probe.read()
  const sample = rows.slice(0, 1_000)
  return {
    rows: rows.length,
    batchRows: options.batchRows,
    rowJsonBytes: sample.reduce((sum, row) => sum + Buffer.byteLength(table.encode(row)), 0) / sample.length,
    seconds,
    latency: summarize(latencies),
    resources,
    stored: await countFinal(store),
  }
}

export async function countFinal(store: Store): Promise<number> {
  const result = await store.client.query({
    query: `SELECT count() AS n FROM ${store.database}.audit_events FINAL`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string | number }>()
  return Number(row?.n ?? 0)
}
