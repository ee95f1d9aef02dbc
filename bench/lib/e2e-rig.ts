import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { Admin, Kafka } from 'kafkajs'
import type { Registry } from 'prom-client'
import type { AuditRow } from '../../schemas/audit-row.js'
import { AppConfig } from '../../schemas/config.js'
import { startCollector } from '../../services/collector/service.js'
import { startDetector } from '../../services/detector/service.js'
import { startExporter, type ExporterHandle } from '../../services/exporter/index.js'
import { startNormalizer } from '../../services/normalizer/service.js'
import { openStore, type Store } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics, pipelineTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger, type Logger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate } from '../../services/platform/migrations.js'
import type { PathContext } from './collector-path.js'
import { sensitiveEvents } from './normalizer-events.js'
import type { BenchmarkContext } from './report.js'
import { startBenchBroker } from './bench-broker.js'

/**
 * The end-to-end benchmark's setting: one local broker and one embedded store for the whole run,
 * and pipelines started in this process the way `mcp-audit start` starts them (detector, normalizer
 * with redaction, collector; default settings), each on topics and a database of its own.
 */

export const PARTITIONS = 6
export const PATH_CTX: PathContext = { tenantId: 'bench', gateway: 'gw-bench' }
export const PSEUDONYMIZATION_KEY = 'bench-pseudonymization-key-0123456789abcdef'
/** Replaced in every body with the request's sequence number: each request carries new event ids. */
export const SEQUENCE = '@SEQ@'
/** Replaced with the run's name before a run, so runs on one pipeline never repeat an id. */
const RUN = '@RUN@'
const POOL_EVENTS = 20_000

export interface Rig {
  kafka: Kafka
  admin: Admin
  brokers: string[]
  brokerPid: number
  store: Store
  dataDir: string
  logger: Logger
  suffix: string
  token: string
  batch: number
  /** Bodies of `batch` generic events with sensitive content, ids holding RUN and SEQUENCE. */
  templates: string[]
  meanEventBytes: number
}

export function bodiesForRun(rig: Rig, run: string): string[] {
  return rig.templates.map((body) => body.replaceAll(RUN, run))
}

export async function setUp(ctx: BenchmarkContext, batch: number): Promise<Rig> {
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const { dir, broker } = await startBenchBroker(ctx, 'e2e')
  const dataDir = path.join(dir, 'data')
  const store = openStore(AppConfig.parse({ dataDir }))
  ctx.defer('close the embedded store', () => store.close())
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'mcp-audit-bench' }, logger)
  const admin = kafka.admin()
  await admin.connect()
  ctx.defer('disconnect the admin client', () => admin.disconnect())

  const events = sensitiveEvents(POOL_EVENTS)
  const templates: string[] = []
  for (let start = 0; start < events.length; start += batch) {
    const body = events
      .slice(start, start + batch)
      .map((event, i) => JSON.stringify({ ...event, event_id: `e2e-${RUN}-${SEQUENCE}-${i}` }))
    templates.push(`[${body.join(',')}]`)
  }
  const meanEventBytes =
    events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0) / events.length
  return {
    kafka,
    admin,
    brokers: broker.brokers,
    brokerPid: broker.pid,
    store,
    dataDir,
    logger,
    suffix: randomBytes(4).toString('hex'),
    token: randomBytes(24).toString('hex'),
    batch,
    templates,
    meanEventBytes,
  }
}

/** The rows the normalizer stored, as it stores them: when each insert returned, the rows are visible. */
export class StoredTap {
  stored = 0
  /** Receipt at the collector (received_at) → insert returned, per event. */
  latenciesMs: number[] = []
  lastStoredAt = 0
  /** Wall time spent in the detector's stream rules (and the alert store) after the inserts. */
  detectorSeconds = 0
  private waiting: Array<{ count: number; resolve: () => void }> = []

  record(rows: readonly AuditRow[]): void {
    const now = Date.now()
    for (const row of rows) this.latenciesMs.push(now - Date.parse(row.received_at))
    this.stored += rows.length
    this.lastStoredAt = performance.now()
    this.waiting = this.waiting.filter((waiter) => {
      if (this.stored < waiter.count) return true
      waiter.resolve()
      return false
    })
  }

  /** Resolves true once `count` rows were stored, false after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<boolean> {
    if (this.stored >= count) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.waiting.push({
        count,
        resolve: () => {
          clearTimeout(timer)
          resolve(true)
        },
      })
    })
  }

  reset(): void {
    this.latenciesMs = []
  }
}

export interface Pipeline {
  url: string
  store: Store
  registry: Registry
  tap: StoredTap
  /** The exporter, when the pipeline was started with export sinks. */
  exporter?: ExporterHandle
  stop: () => Promise<void>
}

/** The configuration `start` would run a pipeline named `name` with: its own topics, database and consumer group. */
export function pipelineConfig(rig: Rig, name: string, exportSinks?: readonly unknown[]): AppConfig {
  const database = `bench_e2e_${name}_${rig.suffix}`
  const raw = `bench.e2e.${name}.${rig.suffix}`
  const unlimited = { eventsPerSecond: 1e9, burst: 1e9 }
  return AppConfig.parse({
    logLevel: 'warn',
    dataDir: rig.dataDir,
    kafka: {
      brokers: rig.brokers,
      clientId: 'mcp-audit-bench',
      topics: { raw, dlq: `${raw}.dlq`, receipts: `${raw}.receipts` },
      partitions: PARTITIONS,
    },
    clickhouse: { database },
    pseudonymization: { key: PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `bench-e2e-${name}-${rig.suffix}` },
    collector: { port: 0, metricsPort: 0, host: '127.0.0.1', rateLimit: unlimited },
    tenants: [
      {
        id: PATH_CTX.tenantId,
        tokens: [{ name: PATH_CTX.gateway, scope: 'ingest', value: rig.token }],
        rateLimit: unlimited,
      },
    ],
    ...(exportSinks
      ? { export: { sinks: exportSinks }, alerts: { allowPrivateNetworks: ['127.0.0.0/8'] } }
      : {}),
  })
}

/**
 * Detector, normalizer and collector in this process on fresh topics and a fresh database, like
 * `start`; with `exportSinks` (`export.sinks` entries; loopback allowed), the exporter too.
 */
export async function startPipeline(
  ctx: BenchmarkContext,
  rig: Rig,
  name: string,
  exportSinks?: readonly unknown[],
): Promise<Pipeline> {
  const config = pipelineConfig(rig, name, exportSinks)
  const database = config.clickhouse.database
  const store: Store = { ...rig.store, database }
  await migrate(store, rig.logger)
  await ensureTopics(rig.kafka, pipelineTopics(config))
  const registry = createMetricsRegistry()
  const lifecycle = new Lifecycle(rig.logger)
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await lifecycle.stop('benchmark run finished')
  }
  ctx.defer(`stop the pipeline ${name}`, stop)
  const tap = new StoredTap()
  const detector = startDetector({ config, store, logger: rig.logger, registry, lifecycle })
  await startNormalizer({
    config,
    brokers: rig.brokers,
    store,
    logger: rig.logger,
    registry,
    lifecycle,
    pseudonymizationKey: PSEUDONYMIZATION_KEY,
    onRowsStored: async (rows) => {
      tap.record(rows)
      const began = performance.now()
      await detector.inspectRows(rows)
      tap.detectorSeconds += (performance.now() - began) / 1000
    },
  })
  const exporter = exportSinks
    ? startExporter({
        config,
        brokers: rig.brokers,
        store,
        logger: rig.logger,
        registry,
        lifecycle,
        consoleUrl: 'http://127.0.0.1',
      })
    : undefined
  const collector = await startCollector({
    config,
    brokers: rig.brokers,
    logger: rig.logger,
    registry,
    lifecycle,
  })
  return { url: collector.url, store, registry, tap, ...(exporter ? { exporter } : {}), stop }
}

/** What the pipeline's database holds: rows (FINAL, and physically) and the bytes of its active parts. */
export async function storedFootprint(
  store: Store,
): Promise<{ final: number; physical: number; bytesOnDisk: number; uncompressedBytes: number }> {
  const [counts] = await (
    await store.client.query({
      query: `SELECT (SELECT count() FROM ${store.database}.audit_events FINAL) AS final,
                     (SELECT count() FROM ${store.database}.audit_events) AS physical`,
      format: 'JSONEachRow',
    })
  ).json<{ final: string; physical: string }>()
  const [parts] = await (
    await store.client.query({
      query: `SELECT sum(bytes_on_disk) AS bytes, sum(data_uncompressed_bytes) AS uncompressed
              FROM system.parts WHERE database = {database:String} AND table = 'audit_events' AND active`,
      query_params: { database: store.database },
      format: 'JSONEachRow',
    })
  ).json<{ bytes: string; uncompressed: string }>()
  return {
    final: Number(counts?.final ?? 0),
    physical: Number(counts?.physical ?? 0),
    bytesOnDisk: Number(parts?.bytes ?? 0),
    uncompressedBytes: Number(parts?.uncompressed ?? 0),
  }
}

/** process.memoryUsage.rss() every 250 ms while running (the cheap call: process.memoryUsage() walks the heap spaces too). */
export class RssSampler {
  private readonly samples: number[] = []
  private readonly timer: NodeJS.Timeout

  constructor() {
    this.samples.push(process.memoryUsage.rss())
    this.timer = setInterval(() => this.samples.push(process.memoryUsage.rss()), 250)
  }

  /** Peak, and steady: the median of the second half of the samples. */
  stop(): { peak: number; steady: number; samples: number } {
    clearInterval(this.timer)
    this.samples.push(process.memoryUsage.rss())
    const tail = this.samples.slice(Math.floor(this.samples.length / 2)).sort((a, b) => a - b)
    return {
      peak: Math.max(...this.samples),
      steady: tail[Math.floor(tail.length / 2)] ?? Number.NaN,
      samples: this.samples.length,
    }
  }
}
