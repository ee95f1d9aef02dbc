import type { Kafka } from '../platform/kafka/client.js'
import { createGroupOffsetsReader } from '../platform/kafka/group-offsets.js'
import {
  createConsumer,
  nextOffset,
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
} from '../platform/kafka/consumer.js'
import type { Logger } from '../platform/logger.js'
import { storeRefusedReason, type DeadLetter, type DeadLetterPublisher } from './dlq.js'
import type { NormalizerMetrics } from './metrics.js'
import type { RejectedRow } from './refused-rows.js'
import { ClickHouseWriter, WriterStoppedError, type SourcePosition, type WriterOptions } from './writer.js'

/**
 * What processing made of one message: rows to store (with `lines[i]` the table's encoding of
 * `rows[i]` when the processor encoded them already), or a reason to dead-letter or drop it.
 */
export type MessageOutcome<Row> =
  | { kind: 'ok'; rows: Row[]; lines?: string[] }
  | { kind: 'dlq'; reason: string }
  | { kind: 'drop'; reason: string }

export type ProcessMessages<Row> = (
  messages: readonly KafkaMessage[],
  source: { topic: string; partition: number },
) => Promise<Array<MessageOutcome<Row>>>

export interface LoopOptions<Row extends object> {
  name: string
  kafka: Kafka
  groupId: string
  topic: string
  logger: Logger
  metrics: NormalizerMetrics
  process: ProcessMessages<Row>
  dlq: DeadLetterPublisher
  writer: Omit<WriterOptions, 'commit' | 'logger' | 'onFlush' | 'onHealthChange' | 'onRejected'>
  /** Messages handed to `process` at once (`normalizer.chunkSize`); heartbeats go out between chunks. */
  chunkSize: number
  /** Chunks processed ahead of the one being stored (worker threads + 1 is a good value). */
  pipelineDepth?: number
  /** No progress for this long while messages wait counts as a stalled loop. */
  stallAfterMs?: number
  /**
   * Each partition's committed offset (its rows are all stored): after each successful commit, and
   * when the member joins the group, the group's offsets of the partitions it was given (rows a
   * member killed right after its commit stored and never got to act on).
   */
  onCommitted?: (positions: Array<{ partition: number; offset: string }>) => void
  /** When the member joins the group (at start and every rebalance): the partitions it now reads. */
  onAssigned?: (partitions: number[]) => void
}

/** The message a row was made from: what is dead-lettered when the store refuses the row. */
interface RowOrigin {
  partition: number
  message: KafkaMessage
}

export interface IngestLoop {
  start: () => Promise<void>
  stop: () => Promise<void>
  health: () => { healthy: boolean; reason?: string }
}

async function whileHeartbeating<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
  const timer = setInterval(() => {
    heartbeat().catch(() => undefined)
  }, 3_000)
  try {
    return await work
  } finally {
    clearInterval(timer)
  }
}

/**
 * Kafka → process → ClickHouse with at-least-once delivery and effectively-once storage:
 * `eachBatch` with manual offset resolution; offsets are committed by the writer only after the
 * rows up to them are inserted (or their messages are in the DLQ). While ClickHouse fails the topic
 * is paused, heartbeats continue, and nothing past the failed rows is committed. Rows the store
 * refuses for good are dead-lettered as the messages they came from, at their real position.
 */
export function createIngestLoop<Row extends object>(options: LoopOptions<Row>): IngestLoop {
  const { kafka, groupId, topic, metrics, dlq } = options
  const logger = options.logger.child({ component: options.name })
  const { chunkSize } = options
  const pipelineDepth = Math.max(1, options.pipelineDepth ?? 1)
  const stallAfterMs = options.stallAfterMs ?? 120_000
  // Heartbeats go out between chunks of at most `chunkSize` messages, well within the session.
  const consumer: Consumer = createConsumer(kafka, { groupId })
  let crashed: string | undefined
  let draining = false
  let activeBatch: Promise<void> | undefined
  let lastProgressAt = Date.now()
  let lagged = false
  const tableLabel = options.writer.table.name

  // One dead letter per message, however many of its rows were refused (a receipt carries several).
  const deadLetterRefused = async (rejected: ReadonlyArray<RejectedRow<Row, RowOrigin>>) => {
    logger.error({ table: tableLabel, rows: rejected.length }, 'rows_rejected_by_store')
    const byPartition = new Map<number, Map<string, DeadLetter>>()
    for (const { origin, reason } of rejected) {
      const letters = byPartition.get(origin.partition) ?? new Map<string, DeadLetter>()
      if (!letters.has(origin.message.offset)) {
        letters.set(origin.message.offset, { message: origin.message, reason: storeRefusedReason(reason) })
      }
      byPartition.set(origin.partition, letters)
    }
    for (const [partition, letters] of byPartition) {
      await dlq.publish(topic, partition, [...letters.values()])
      metrics.dlqMessages.inc({ topic }, letters.size)
    }
  }

  const writer = new ClickHouseWriter<Row, RowOrigin>({
    ...options.writer,
    logger,
    onRejected: deadLetterRefused,
    commit: async (positions: SourcePosition[]) => {
      const committed = positions.map(({ topic: t, partition, offset }) => ({
        topic: t,
        partition,
        offset: nextOffset(offset),
      }))
      try {
        await consumer.commitOffsets(committed)
        options.onCommitted?.(committed)
      } catch (err) {
        // After a rebalance the partition may belong to another member; it re-reads from the last
        // commit and the store collapses the repeats by event id.
        logger.warn({ err, positions: positions.length }, 'offset_commit_failed')
      }
    },
    onFlush: (rows, seconds, ok) => {
      metrics.insertSeconds.observe({ table: tableLabel, outcome: ok ? 'ok' : 'error' }, seconds)
      if (ok) metrics.rowsWritten.inc({ table: tableLabel }, rows)
    },
    onHealthChange: (healthy) => {
      metrics.writerHealthy.set({ table: tableLabel }, healthy ? 1 : 0)
      if (healthy) {
        logger.info({ topic }, 'consumption_resumed')
        consumer.resume([{ topic }])
      } else {
        logger.warn({ topic }, 'consumption_paused_store_failing')
        consumer.pause([{ topic }])
      }
    },
  })
  metrics.writerHealthy.set({ table: tableLabel }, 1)

  consumer.on(consumer.events.CRASH, (event) => {
    crashed = String((event.payload.error as Error | undefined)?.message ?? 'crashed')
    logger.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer_crashed')
    if (event.payload.restart) crashed = undefined
  })

  const { onAssigned, onCommitted } = options
  if (onAssigned || onCommitted) {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = event.payload.memberAssignment[topic] ?? []
      onAssigned?.(assigned)
      if (!onCommitted || assigned.length === 0) return
      const offsets = createGroupOffsetsReader(kafka, groupId, topic)
      offsets
        .read()
        .then((committed) => {
          const positions = assigned.flatMap((partition) => {
            const offset = committed.get(partition) ?? 0
            return offset > 0 ? [{ partition, offset: String(offset) }] : []
          })
          if (positions.length > 0) onCommitted(positions)
        })
        .catch((err: unknown) => logger.warn({ err, topic }, 'committed_offsets_read_failed'))
        .finally(() => void offsets.close().catch(() => undefined))
    })
  }

  const start = async () => {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        if (draining) return
        activeBatch = handleBatch(payload)
        try {
          await activeBatch
        } finally {
          activeBatch = undefined
        }
      },
    })
  }

  const handleBatch = async (payload: EachBatchPayload) => {
    const { batch } = payload
    const heartbeat = () => payload.heartbeat()
    const { partition } = batch
    metrics.batchMessages.observe({ topic }, batch.messages.length)
    const chunks: KafkaMessage[][] = []
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      chunks.push(batch.messages.slice(start, start + chunkSize))
    }
    // Up to `pipelineDepth` chunks are processed ahead (on the worker threads), so the main thread
    // inserts and fetches while they work; results are still taken strictly in offset order.
    const inFlight: Array<Promise<Array<MessageOutcome<Row>>>> = []
    let next = 0
    const launch = () => {
      while (next < chunks.length && inFlight.length < pipelineDepth) {
        inFlight.push(options.process(chunks[next]!, { topic, partition }))
        next++
      }
    }
    launch()
    for (const chunk of chunks) {
      if (!payload.isRunning() || payload.isStale() || draining) {
        await Promise.allSettled(inFlight)
        return
      }
      const outcomes = await inFlight.shift()!
      launch()
      const rows: Row[] = []
      const origins: RowOrigin[] = []
      // Stays complete only while every outcome came encoded; otherwise the writer encodes.
      let lines: string[] | undefined = []
      const dead: DeadLetter[] = []
      outcomes.forEach((outcome, index) => {
        metrics.messages.inc({ topic, outcome: outcome.kind })
        if (outcome.kind === 'ok') {
          const origin = { partition, message: chunk[index]! }
          for (const row of outcome.rows) {
            rows.push(row)
            origins.push(origin)
          }
          if (outcome.lines?.length !== outcome.rows.length) lines = undefined
          else lines?.push(...outcome.lines)
        } else if (outcome.kind === 'dlq') dead.push({ message: chunk[index]!, reason: outcome.reason })
        else
          logger.debug({ partition, offset: chunk[index]!.offset, reason: outcome.reason }, 'message_dropped')
      })
      if (dead.length > 0) {
        await dlq.publish(topic, partition, dead)
        metrics.dlqMessages.inc({ topic }, dead.length)
      }
      const last = chunk[chunk.length - 1]!
      writer.add(rows, { topic, partition, offset: last.offset }, origins, lines)
      payload.resolveOffset(last.offset)
      // A full buffer starts a flush in the background (processing goes on while it inserts); only
      // a second full buffer waits for it: back-pressure without stalling the pipeline.
      if (writer.isFull()) {
        try {
          if (writer.isBacklogged()) await whileHeartbeating(writer.flush(), heartbeat)
          else writer.flushInBackground()
        } catch (err) {
          if (err instanceof WriterStoppedError) return
          throw err
        }
      }
      await heartbeat()
      lastProgressAt = Date.now()
      // Let timers and sockets run between chunks (HTTP in the same process, health probes).
      await new Promise((resolve) => setImmediate(resolve))
    }
    const lag = Number(batch.offsetLag())
    metrics.consumerLag.set({ topic, partition: String(partition) }, lag)
    lagged = lag > 0
  }

  // Drain in order: no new batches, let the current one finish, flush and commit while still a
  // group member (after leaving, commits are refused), then leave.
  const stop = async () => {
    draining = true
    consumer.pause([{ topic }])
    // A flush stuck retrying a failing store gives up after the grace period; its rows stay uncommitted.
    const giveUp = setTimeout(() => writer.abort(), 10_000)
    while (activeBatch) await activeBatch.catch(() => undefined)
    clearTimeout(giveUp)
    await writer.shutdown().catch((err: unknown) => logger.warn({ err }, 'final_flush_failed'))
    writer.abort()
    await consumer.stop()
    await consumer.disconnect()
  }

  const health = () => {
    if (crashed) return { healthy: false, reason: `consumer crashed: ${crashed}` }
    if (!writer.isHealthy) return { healthy: false, reason: 'ClickHouse inserts are failing (retrying)' }
    if ((lagged || writer.size > 0) && Date.now() - lastProgressAt > stallAfterMs) {
      return {
        healthy: false,
        reason: `no progress for ${Math.round((Date.now() - lastProgressAt) / 1000)} s`,
      }
    }
    return { healthy: true }
  }

  return { start, stop, health }
}
