import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import { sinkRecords, sinkTenantFilter, type SinkConfig } from '../../schemas/export.js'
import type { RecordKind } from '../../schemas/export-record.js'
import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy } from '../platform/health.js'
import { createKafka } from '../platform/kafka/client.js'
import { createGroupOffsetsReader } from '../platform/kafka/group-offsets.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { parseAllowList } from '../webhooks/ssrf.js'
import { createEventStream } from './event-stream.js'
import { createLagWatch, type ExportLagEpisode } from './lag-watch.js'
import { exportMetrics, type ExportMetrics } from './metrics.js'
import { readAlerts, readReports } from './notice-read.js'
import { createNoticeStream } from './notice-stream.js'
import type { Positions } from './position.js'
import { toExportAlert, toExportReport } from './record.js'
import { createSinkRunner, type SinkRunner, type SinkStatus } from './sink-runner.js'
import { createSink, manifestSigningKey } from './sinks/index.js'
import { startStatusMonitor } from './status-monitor.js'
import type { RecordStream } from './stream.js'

export interface ExporterOptions {
  config: AppConfig
  /** The pipeline's brokers: the normalizer's committed offsets are read there. */
  brokers: string[]
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  /** The console's address for alert links (`console.publicUrl`, else its local address). */
  consoleUrl: string
  /**
   * Raises the alert `mcp-audit-export-lagging` for an episode (the runtime records it where the
   * detector's webhooks deliver it); a rejection is retried at the next check.
   */
  onLagging?: (episode: ExportLagEpisode) => Promise<void>
  /** How often statuses are saved and checked (tests shorten it). */
  statusIntervalMs?: number
  /** How long alerts and reports are left to settle before they are read (tests shorten it). */
  noticeSettleMs?: number
}

export interface ExporterHandle {
  runners: Map<string, SinkRunner>
  /**
   * Every sink's status as this process sees it (the console reads the copy it saves:
   * platform/store/export-sink-status.ts `exportStatus`).
   */
  status(): SinkStatus[]
}

/**
 * Reads of the committed offsets shared by every sink of the process: sinks polling together ask
 * Kafka once. A failed read is not kept, so the next poll asks again.
 */
function sharedCommitted(read: () => Promise<Map<number, number>>, maxAgeMs: number) {
  let last: { atMs: number; value: Promise<Map<number, number>> } | undefined
  return (): Promise<Positions> => {
    if (last && Date.now() - last.atMs < maxAgeMs) return last.value
    const value = read()
    const entry = { atMs: Date.now(), value }
    last = entry
    value.catch(() => {
      if (last === entry) last = undefined
    })
    return value
  }
}

interface StreamContext {
  options: ExporterOptions
  sinkConfig: SinkConfig
  committed: () => Promise<Positions>
  metrics: ExportMetrics
  logger: Logger
}

/** The stream of one kind of record for one sink, each with its own checkpoint. */
function createStream(kind: RecordKind, context: StreamContext): RecordStream {
  const { options, sinkConfig, logger } = context
  const { store, config } = options
  const settings = config.export
  const tenants = sinkTenantFilter(sinkConfig)
  const common = {
    sinkName: sinkConfig.name,
    startFrom: sinkConfig.startFrom,
    tenants,
    store,
    // An S3 sink may set its own (objects of a useful size); the others use `export.batchMaxRows`.
    batchMaxRows:
      ('batchMaxRows' in sinkConfig ? sinkConfig.batchMaxRows : undefined) ?? settings.batchMaxRows,
    logger: logger.child({ sink: sinkConfig.name, kind }),
    now: Date.now,
  }
  const settle = options.noticeSettleMs === undefined ? {} : { settleMs: options.noticeSettleMs }
  switch (kind) {
    case 'event':
      return createEventStream({
        ...common,
        committed: context.committed,
        batchMaxWaitMs: settings.batchMaxWaitMs,
        metrics: context.metrics,
      })
    case 'alert':
      return createNoticeStream({
        ...common,
        ...settle,
        kind,
        read: async (after, fenceMs, limit) =>
          (await readAlerts(store, after, fenceMs, tenants, limit)).map((row) => ({
            position: { atMs: row.created_ms, id: row.alert_id },
            record: toExportAlert(row, options.consoleUrl),
          })),
      })
    case 'report':
      return createNoticeStream({
        ...common,
        ...settle,
        kind,
        read: async (after, fenceMs, limit) =>
          (await readReports(store, after, fenceMs, tenants, limit)).map((row) => ({
            position: { atMs: row.ready_ms, id: row.report_id },
            record: toExportReport(row, config.console.publicUrl),
          })),
      })
  }
}

/**
 * The exporter: one loop per configured sink (`export.sinks`), each streaming the stored, redacted
 * events, the alerts and the ready reports of its tenants (`records:`) from its checkpoints.
 * Registered on the lifecycle so that it stops before the store closes, and on the health
 * registry with each failing sink's detail.
 */
export function startExporter(options: ExporterOptions): ExporterHandle {
  const { config, store, lifecycle } = options
  const logger = options.logger.child({ component: 'exporter' })
  const settings = config.export
  const metrics = exportMetrics(options.registry)
  const allowList = parseAllowList(config.alerts.allowPrivateNetworks)
  const kafka = createKafka(
    { brokers: options.brokers, clientId: `${config.kafka.clientId}-exporter`, security: config.kafka },
    logger,
  )
  const offsets = createGroupOffsetsReader(kafka, config.normalizer.consumerGroup, config.kafka.topics.raw)
  const committed = sharedCommitted(() => offsets.read(), Math.max(100, settings.pollMs / 2))

  const signingKey = manifestSigningKey(config, logger)
  const runners = new Map<string, SinkRunner>()
  for (const sinkConfig of settings.sinks) {
    const sink = createSink(sinkConfig, {
      allowList,
      pipelineBrokers: options.brokers,
      pipelineSecurity: config.kafka,
      clientId: config.kafka.clientId,
      logger,
      metrics,
      store,
      signingKey,
    })
    const context = { options, sinkConfig, committed, metrics, logger }
    const runner = createSinkRunner({
      sink,
      streams: sinkRecords(sinkConfig).map((kind) => createStream(kind, context)),
      pollMs: settings.pollMs,
      unhealthyAfterMs: settings.unhealthyAfterSeconds * 1000,
      logger,
      metrics,
    })
    runners.set(sinkConfig.name, runner)
    runner.start()
  }
  const status = () => [...runners.values()].map((runner) => runner.status())
  const allTenants = config.tenants.map((tenant) => tenant.id)
  const tenantsOf = new Map(settings.sinks.map((sink) => [sink.name, sinkTenantFilter(sink) ?? allTenants]))
  const monitor = startStatusMonitor({
    store,
    status,
    watch: createLagWatch({
      unhealthyAfterMs: settings.unhealthyAfterSeconds * 1000,
      lagAlertMessages: settings.lagAlertMessages,
      tenantsOf: (sink) => tenantsOf.get(sink) ?? [],
    }),
    intervalMs: options.statusIntervalMs,
    onLagging: options.onLagging,
    metrics,
    logger,
  })
  lifecycle.register('exporter', async () => {
    await Promise.all([...runners.values()].map((runner) => runner.stop()))
    await monitor.stop()
    await offsets.close()
  })
  lifecycle.health.register('exporter', () => {
    const reasons = [...runners.values()].flatMap((runner) => {
      const state = runner.health()
      return state.healthy ? [] : [state.reason]
    })
    return reasons.length === 0 ? healthy : unhealthy(reasons.join('; '))
  })
  logger.info(
    {
      sinks: settings.sinks.map((sink) => ({ name: sink.name, type: sink.type, records: sinkRecords(sink) })),
    },
    'exporter_started',
  )
  return { runners, status }
}
