import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { DestinationStream } from 'pino'
import type { AuditRow } from '../../schemas/audit-row.js'
import { AppConfig } from '../../schemas/config.js'
import { startCollector } from '../../services/collector/service.js'
import { startDetector, type DetectorHandle } from '../../services/detector/service.js'
import { openStore, type Store } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate } from '../../services/platform/migrations.js'
import { startNormalizer } from '../../services/normalizer/service.js'
import { GatewayAndSiem } from './detector-endpoints.js'
import { BackgroundTraffic } from './detector-load.js'
import type { BenchmarkContext } from './report.js'
import { startBenchBroker } from './bench-broker.js'

/**
 * The detector benchmark's setting, wired the way `mcp-audit start` wires it (detector, then the
 * normalizer with the detector's match rules on stored rows, then the collector), in this process,
 * against a local broker and an embedded store in a temp folder. Default settings except what the
 * measurement needs: see `benchConfig`.
 *
 * Two points inside the pipeline are observed without changing it: the normalizer's `onRowsStored`
 * hook (the rows' insert returned; the detector's own `inspectRows` runs right after, as in
 * production) and the detector's `alert_fired` log line (written right after the alert row's insert
 * and before the webhook delivery is enqueued).
 */

export const TENANT_ID = 'bench'
const GATEWAY = 'gw-bench'
export const PSEUDONYMIZATION_KEY = 'bench-pseudonymization-key-0123456789abcdef'

export interface Rig {
  config: AppConfig
  store: Store
  detector: DetectorHandle
  endpoints: GatewayAndSiem
  background: BackgroundTraffic
  /** Where and with which token the gateway posts. */
  collector: { url: string; token: string }
  gateway: string
  brokerPid: number
  suffix: string
  /** Records when rows with this event id are stored. */
  watch: (eventId: string) => void
  /** Epoch ms at which the watched rows' insert returned. */
  storedAt: ReadonlyMap<string, number>
  /** Epoch ms of each alert's `alert_fired` line, by alert id. */
  alertWrittenAt: ReadonlyMap<string, number>
}

/**
 * The config an operator would write for this machine, defaults everywhere except: the local
 * broker and unique topic names, a database in the temp folder, the collector on a free loopback
 * port, one tenant with an ingest token, the pseudonymization key, and one Standard Webhook to the
 * loopback receiver (which `alerts.allowPrivateNetworks` must allow).
 */
function benchConfig(options: {
  dataDir: string
  brokers: string[]
  suffix: string
  token: string
  webhookUrl: string
  secret: string
}): AppConfig {
  const topic = `bench.detector-raw.${options.suffix}`
  return AppConfig.parse({
    logLevel: 'warn',
    dataDir: options.dataDir,
    kafka: {
      brokers: options.brokers,
      clientId: 'mcp-audit-bench',
      topics: { raw: topic, dlq: `${topic}.dlq`, receipts: `${topic}.receipts` },
    },
    clickhouse: { database: 'bench_detector' },
    collector: { port: 0, metricsPort: 0, host: '127.0.0.1' },
    pseudonymization: { key: PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `bench-detector-${options.suffix}` },
    tenants: [{ id: TENANT_ID, tokens: [{ name: GATEWAY, scope: 'ingest', value: options.token }] }],
    alerts: {
      allowPrivateNetworks: ['127.0.0.0/8'],
      webhooks: [
        { name: 'siem', url: `${options.webhookUrl}/siem`, format: 'standard', secret: options.secret },
      ],
    },
  })
}

/** A pino destination that keeps the time of every `alert_fired` line and passes warnings on to stderr. */
function alertLog(alertWrittenAt: Map<string, number>): DestinationStream {
  return {
    write(line: string) {
      const entry = JSON.parse(line) as { level?: number; msg?: string; alert_id?: string; time?: string }
      if (entry.msg === 'alert_fired' && entry.alert_id && entry.time) {
        alertWrittenAt.set(entry.alert_id, Date.parse(entry.time))
      }
      if ((entry.level ?? 0) >= 40) process.stderr.write(line)
    },
  }
}

export async function setUp(ctx: BenchmarkContext): Promise<Rig> {
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const { dir, broker } = await startBenchBroker(ctx, 'detector')

  const secret = `whsec_${randomBytes(32).toString('base64')}`
  const endpoints = await GatewayAndSiem.start({ secret })
  ctx.defer('stop the gateway and webhook receiver thread', () => endpoints.stop())
  const background = new BackgroundTraffic()
  ctx.defer('stop the traffic simulator thread', () => background.close())

  const suffix = randomBytes(4).toString('hex')
  const token = randomBytes(24).toString('hex')
  const config = benchConfig({
    dataDir: path.join(dir, 'data'),
    brokers: broker.brokers,
    suffix,
    token,
    webhookUrl: endpoints.url,
    secret,
  })
  const store = openStore(config)
  ctx.defer('close the embedded store', () => store.close())
  await migrate(store, logger)
  await ensureTopics(createKafka({ brokers: broker.brokers, clientId: 'mcp-audit-bench' }, logger), [
    { topic: config.kafka.topics.raw, numPartitions: config.kafka.partitions },
    { topic: config.kafka.topics.receipts, numPartitions: 1 },
    { topic: config.kafka.topics.dlq, numPartitions: 1 },
  ])

  ctx.progress('starting the detector, the normalizer and the collector')
  const registry = createMetricsRegistry()
  const lifecycle = new Lifecycle(logger)
  ctx.defer('stop the collector, the normalizer and the detector', () => lifecycle.stop('benchmark finished'))
  const alertWrittenAt = new Map<string, number>()
  const detector = startDetector({
    config,
    store,
    logger: createLogger({ level: 'info', destination: alertLog(alertWrittenAt) }),
    registry,
    lifecycle,
  })
  const watched = new Set<string>()
  const storedAt = new Map<string, number>()
  await startNormalizer({
    config,
    brokers: broker.brokers,
    store,
    logger,
    registry,
    lifecycle,
    pseudonymizationKey: PSEUDONYMIZATION_KEY,
    onRowsStored: async (rows: readonly AuditRow[]) => {
      const now = Date.now()
      for (const row of rows) if (watched.has(row.event_id)) storedAt.set(row.event_id, now)
      await detector.inspectRows(rows)
    },
  })
  const collector = await startCollector({ config, brokers: broker.brokers, logger, registry, lifecycle })

  return {
    config,
    store,
    detector,
    endpoints,
    background,
    collector: { url: collector.url, token },
    gateway: GATEWAY,
    brokerPid: broker.pid,
    suffix,
    watch: (eventId) => watched.add(eventId),
    storedAt,
    alertWrittenAt,
  }
}

/** Incidents in the alerts table (one row per alert id with FINAL). */
export async function storedAlerts(rig: Rig): Promise<number> {
  const result = await rig.store.client.query({
    query: `SELECT count() AS n FROM ${rig.store.database}.alerts FINAL`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string }>()
  return Number(row?.n ?? 0)
}
