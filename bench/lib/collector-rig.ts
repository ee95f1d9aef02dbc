import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Admin, Kafka } from 'kafkajs'
import type { Registry } from 'prom-client'
import { AppConfig } from '../../schemas/config.js'
import { startCollector } from '../../services/collector/service.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { freePort, KAFKA_VERSION, startLocalKafka } from '../../services/platform/local-kafka.js'
import { createLogger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import type { PathContext } from './collector-path.js'
import { buildBodies, generateEvents } from './events.js'
import { topicMessageCount } from './kafka-ceiling.js'
import { LoadGenerator } from './load.js'
import { startNullCollector } from './null-collector.js'
import type { BenchmarkContext } from './report.js'
import { BROKER_HEAP_MB } from './bench-broker.js'

/** Everything the collector benchmark runs against, set up once and torn down by the runner. */

export const BATCHES = [1, 10, 100, 1000] as const
const POOL_EVENTS = 20_000
export const PATH_CTX: PathContext = { tenantId: 'bench', gateway: 'gw-bench' }

export interface Rig {
  kafka: Kafka
  admin: Admin
  registry: Registry
  load: LoadGenerator
  brokerPid: number
  token: string
  collectorUrl: string
  nullCollectorUrl: string
  topics: { raw: string; receipts: string; ceilingRaw: string; ceilingReceipts: string }
  bodies: ReadonlyMap<number, string[]>
}

export async function counts(rig: Rig, raw: string, receipts: string): Promise<[number, number]> {
  return Promise.all([topicMessageCount(rig.admin, raw), topicMessageCount(rig.admin, receipts)])
}

export const bodiesFor = (rig: Rig, batch: number) => rig.bodies.get(batch)!

/** Broker on free ports in a temp folder, topics, the collector, its Kafka-less twin, the load generator. */
export async function setUp(ctx: BenchmarkContext): Promise<Rig> {
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-bench-kafka-'))
  ctx.defer('remove the broker folder', () => rmSync(dir, { recursive: true, force: true }))
  const port = await freePort()
  let controllerPort = await freePort()
  while (controllerPort === port) controllerPort = await freePort()
  ctx.progress(`starting Apache Kafka ${KAFKA_VERSION} on 127.0.0.1:${port}`)
  const broker = await startLocalKafka({ dir, port, controllerPort, heapMb: BROKER_HEAP_MB })
  ctx.defer('stop the broker', () => broker.stop())

  const suffix = randomBytes(4).toString('hex')
  const topics = {
    raw: `bench.raw.${suffix}`,
    receipts: `bench.receipts.${suffix}`,
    ceilingRaw: `bench.ceiling-raw.${suffix}`,
    ceilingReceipts: `bench.ceiling-receipts.${suffix}`,
  }
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'mcp-audit-bench' }, logger)
  await ensureTopics(kafka, [
    { topic: topics.raw, numPartitions: 6 },
    { topic: topics.receipts, numPartitions: 1 },
    { topic: topics.ceilingRaw, numPartitions: 6 },
    { topic: topics.ceilingReceipts, numPartitions: 1 },
  ])
  const admin = kafka.admin()
  await admin.connect()
  ctx.defer('disconnect the admin client', () => admin.disconnect())

  const token = randomBytes(24).toString('hex')
  const unlimited = { eventsPerSecond: 1e9, burst: 1e9 }
  const config = AppConfig.parse({
    logLevel: 'warn',
    kafka: {
      brokers: broker.brokers,
      clientId: 'mcp-audit-bench',
      topics: { raw: topics.raw, receipts: topics.receipts, dlq: `bench.dlq.${suffix}` },
      partitions: 6,
    },
    collector: { port: 0, metricsPort: 0, host: '127.0.0.1', rateLimit: unlimited },
    tenants: [
      {
        id: PATH_CTX.tenantId,
        tokens: [{ name: PATH_CTX.gateway, scope: 'ingest', value: token }],
        rateLimit: unlimited,
      },
    ],
  })
  const registry = createMetricsRegistry()
  const lifecycle = new Lifecycle(logger)
  ctx.defer('stop the collector', () => lifecycle.stop('benchmark finished'))
  const collector = await startCollector({ config, brokers: broker.brokers, logger, registry, lifecycle })
  const nullCollector = await startNullCollector(config, logger)
  ctx.defer('stop the Kafka-less collector', () => nullCollector.stop())
  const load = new LoadGenerator()
  ctx.defer('stop the load generator', () => load.stop())

  const events = generateEvents(POOL_EVENTS)
  const bodies = new Map(
    BATCHES.map((batch) => [batch, buildBodies(events, batch, Math.max(8, Math.ceil(POOL_EVENTS / batch)))]),
  )
  return {
    kafka,
    admin,
    registry,
    load,
    brokerPid: broker.pid,
    token,
    collectorUrl: collector.url,
    nullCollectorUrl: nullCollector.url,
    topics,
    bodies,
  }
}
