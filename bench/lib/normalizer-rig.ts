import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { CompressionTypes, Partitioners, type Admin, type Kafka } from 'kafkajs'
import { AppConfig } from '../../schemas/config.js'
import { createSealer } from '../../services/integrity/index.js'
import { startNormalizer } from '../../services/normalizer/service.js'
import { openStore, type Store } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger, type Logger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate } from '../../services/platform/migrations.js'
import type { PathContext } from './collector-path.js'
import { topicMessageCount } from './kafka-ceiling.js'
import { countFinal } from './normalizer-ceilings.js'
import { buildRawMessages, type RawMessage } from './normalizer-events.js'
import { RunProbe, type RunUse } from './normalizer-probes.js'
import { histogramTotals } from './probes.js'
import type { BenchmarkContext } from './report.js'
import { startBenchBroker } from './bench-broker.js'
import { benchSealKey } from './seal-key.js'

/**
 * The normalizer benchmark's setting: a local broker, an embedded store in a temp folder, the
 * messages, one pre-filled topic per normalizer run. Runs start the real normalizer in this process.
 */

export const PARTITIONS = 6
export const PATH_CTX: PathContext = { tenantId: 'bench', gateway: 'gw-bench' }
export const PSEUDONYMIZATION_KEY = 'bench-pseudonymization-key-0123456789abcdef'
/** Messages per produce while filling the topics, like collector requests of 1,000 events. */
const PRODUCE_BATCH = 1_000
const POLL_MS = 100
const SEAL_INTERVAL_SECONDS = 5

const SEAL_KEY = benchSealKey()

async function countSeals(store: Store): Promise<number> {
  const result = await store.client.query({
    query: `SELECT count() AS n FROM ${store.database}.integrity_seals`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string | number }>()
  return Number(row?.n ?? 0)
}

export interface Rig {
  kafka: Kafka
  admin: Admin
  brokers: string[]
  brokerPid: number
  store: Store
  dataDir: string
  logger: Logger
  suffix: string
  /** One topic per normalizer run, each holding every message once. */
  topics: string[]
  setupSeconds: { generate: number; produce: number }
}

/** A config for one run the way an operator would write it: defaults except names and workers. */
export function benchConfig(rig: Rig, run: { workers: number; topic: string; database: string }): AppConfig {
  return AppConfig.parse({
    logLevel: 'warn',
    dataDir: rig.dataDir,
    kafka: {
      brokers: rig.brokers,
      clientId: 'mcp-audit-bench',
      topics: { raw: run.topic, dlq: `${run.topic}.dlq`, receipts: `${run.topic}.receipts` },
      partitions: PARTITIONS,
    },
    clickhouse: { database: run.database },
    pseudonymization: { key: PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `bench-normalizer-${run.topic}`, workers: run.workers },
    tenants: [{ id: PATH_CTX.tenantId }],
  })
}

/** The store's client pointed at another database, created and migrated. */
export async function freshDatabase(rig: Rig, database: string): Promise<Store> {
  const store: Store = { ...rig.store, database }
  await migrate(store, rig.logger)
  return store
}

export async function dropDatabase(store: Store): Promise<void> {
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database} SYNC` })
}

async function fill(kafka: Kafka, topics: readonly string[], messages: readonly RawMessage[]): Promise<void> {
  // The collector's producer settings: idempotent, one request in flight, acks=all, gzip, its partitioner.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  try {
    for (let start = 0; start < messages.length; start += PRODUCE_BATCH) {
      const batch = messages.slice(start, start + PRODUCE_BATCH)
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.GZIP,
        topicMessages: topics.map((topic) => ({ topic, messages: batch })),
      })
    }
  } finally {
    await producer.disconnect()
  }
}

/** The rig, and the messages every topic holds (returned apart, so the caller can let them go). */
export async function setUp(
  ctx: BenchmarkContext,
  events: number,
  runs: number,
): Promise<{ rig: Rig; messages: RawMessage[] }> {
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const { dir, broker } = await startBenchBroker(ctx, 'normalizer')

  const dataDir = path.join(dir, 'data')
  const store = openStore(AppConfig.parse({ dataDir }))
  ctx.defer('close the embedded store', () => store.close())

  const kafka = createKafka({ brokers: broker.brokers, clientId: 'mcp-audit-bench' }, logger)
  const admin = kafka.admin()
  await admin.connect()
  ctx.defer('disconnect the admin client', () => admin.disconnect())

  ctx.progress(`building ${events.toLocaleString('en-US')} envelopes with the collector's CPU path`)
  let began = performance.now()
  const messages = buildRawMessages(events, PATH_CTX)
  const generate = (performance.now() - began) / 1000

  const suffix = randomBytes(4).toString('hex')
  const topics = Array.from({ length: runs }, (_, index) => `bench.normalizer-raw.${suffix}.${index}`)
  await ensureTopics(
    kafka,
    topics.flatMap((topic) => [
      { topic, numPartitions: PARTITIONS },
      { topic: `${topic}.dlq`, numPartitions: 1 },
      { topic: `${topic}.receipts`, numPartitions: 1 },
    ]),
  )
  ctx.progress(`producing them to ${topics.length} topics (gzip, ${PRODUCE_BATCH} per produce)`)
  began = performance.now()
  await fill(kafka, topics, messages)
  const produce = (performance.now() - began) / 1000
  for (const topic of topics) {
    const held = await topicMessageCount(admin, topic)
    if (held !== messages.length)
      throw new Error(`${topic} holds ${held} messages, expected ${messages.length}`)
  }
  const rig: Rig = {
    kafka,
    admin,
    brokers: broker.brokers,
    brokerPid: broker.pid,
    store,
    dataDir,
    logger,
    suffix,
    topics,
    setupSeconds: { generate, produce },
  }
  return { rig, messages }
}

export interface NormalizerRun {
  workers: number
  /** First write wins and the sealer on (as in production), or both off with the id index's view dropped. */
  integrity: boolean
  /** Seals the run wrote (its last seal is inside the timed run). */
  seals: number
  events: number
  /** Seconds from calling startNormalizer until it returned (group joined), and until every offset was committed. */
  startSeconds: number
  totalSeconds: number
  caughtUp: boolean
  resources: RunUse
  inserts: { count: number; seconds: number }
  /** Mean messages per eachBatch call (kafkajs fetch batch per partition). */
  meanFetchBatch: number
  stored: number
  deadLettered: number
}

async function committedUpTo(rig: Rig, groupId: string, topic: string): Promise<number> {
  const [committed] = await rig.admin.fetchOffsets({ groupId, topics: [topic] })
  return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0)
}

/**
 * The real normalizer in this process on one pre-filled topic, from start until the group's
 * committed offsets reach the end of every partition (committed = stored: the writer commits only
 * after the insert). Then it is stopped and the store is counted with FINAL.
 */
export async function runNormalizer(
  ctx: BenchmarkContext,
  rig: Rig,
  run: { workers: number; integrity: boolean; topic: string; timeoutMs: number },
): Promise<NormalizerRun> {
  const database = `bench_normalizer_w${run.workers}_${run.integrity ? 'on' : 'off'}_${rig.suffix}`
  const store = await freshDatabase(rig, database)
  // Off: no check before the insert, no id index written beside each insert, no seals.
  if (!run.integrity) await store.client.command({ query: `DROP VIEW ${database}.audit_event_ids_mv` })
  const config = benchConfig(rig, { ...run, database })
  const registry = createMetricsRegistry()
  const lifecycle = new Lifecycle(rig.logger)
  ctx.defer(`stop the normalizer (workers: ${run.workers})`, () => lifecycle.stop('benchmark finished'))
  const groupId = config.normalizer.consumerGroup
  const end = (await rig.admin.fetchTopicOffsets(run.topic)).reduce((sum, p) => sum + Number(p.high), 0)

  // Sealing every few seconds rather than the default minute, so its read-backs fall inside the run.
  const sealer = run.integrity
    ? createSealer({ store, key: SEAL_KEY, logger: rig.logger, intervalSeconds: SEAL_INTERVAL_SECONDS })
    : undefined
  const probe = new RunProbe(rig.brokerPid)
  const started = performance.now()
  sealer?.start()
  await startNormalizer({
    config,
    brokers: rig.brokers,
    store,
    logger: rig.logger,
    registry,
    lifecycle,
    pseudonymizationKey: PSEUDONYMIZATION_KEY,
    firstWriteWins: run.integrity,
    ...(sealer ? { onEventsCommitted: sealer.committed } : {}),
  })
  const ready = performance.now()
  const deadline = started + run.timeoutMs
  let committed = 0
  while (performance.now() < deadline) {
    committed = await committedUpTo(rig, groupId, run.topic)
    if (committed >= end) break
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  let seals = 0
  if (sealer) {
    await sealer.stop()
    seals = await countSeals(store)
  }
  const finished = performance.now()
  const resources = probe.read()
  const inserts = await histogramTotals(registry, 'mcp_audit_normalizer_insert_seconds')
  const fetches = await histogramTotals(registry, 'mcp_audit_normalizer_batch_messages')
  await lifecycle.stop('benchmark run finished')

  const result: NormalizerRun = {
    workers: run.workers,
    integrity: run.integrity,
    seals,
    events: end,
    startSeconds: (ready - started) / 1000,
    totalSeconds: (finished - started) / 1000,
    caughtUp: committed >= end,
    resources,
    inserts: { count: inserts.count, seconds: inserts.sum },
    meanFetchBatch: fetches.count > 0 ? fetches.sum / fetches.count : Number.NaN,
    stored: await countFinal(store),
    deadLettered: await topicMessageCount(rig.admin, config.kafka.topics.dlq),
  }
  await dropDatabase(store)
  return result
}
