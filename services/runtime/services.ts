import { startCollector, type CollectorHandle } from '../collector/service.js'
import type { ProducerOptions } from '../collector/producer.js'
import { startConsole, type ConsoleHandle } from '../console/service.js'
import { eventConflictCandidates } from '../detector/event-conflict-rule.js'
import { exportLaggingCandidates } from '../detector/export-lagging-rule.js'
import { startExporter, type ExporterHandle, type ExporterOptions } from '../exporter/index.js'
import {
  consoleUrl,
  createAlertRecorder,
  createDetectorParts,
  startDetector,
  type DetectorHandle,
  type DetectorParts,
} from '../detector/service.js'
import { startSealer } from '../integrity/index.js'
import { createMcpMetrics } from '../normalizer/mcp-metrics.js'
import { startNormalizer, type NormalizerHandle } from '../normalizer/service.js'
import type { Store } from '../platform/clickhouse.js'
import type { Readiness } from '../platform/health.js'
import { createKafka } from '../platform/kafka/client.js'
import { startOpsServer, type Listener } from '../platform/ops-server.js'
import { resolvePseudonymizationKey } from '../platform/pseudonymization-key.js'
import { createKafkaSelfAudit, createLoggingSelfAudit, type SelfAudit } from '../platform/self-audit.js'
import { createReports, loadSigningKey } from '../reporter/index.js'
import { startReporter, type Reporter } from '../reporter/service.js'
import type { Reports } from '../reporter/types.js'
import type { RuntimeContext } from './context.js'

export type ServiceName = 'collector' | 'normalizer' | 'detector' | 'reporter' | 'console' | 'exporter'

export interface ServiceSelection {
  services: readonly ServiceName[]
  /** `/healthz`, `/readyz` and `/metrics` on a port of their own (a normalizer or detector alone). */
  ops?: { port: number; host: string }
  /** False leaves the windowed rules to `detector.scheduler.runOnce` (tests that replay a day). */
  scheduleWindows?: boolean
  /** The normalizer's key may be generated into the data directory (`start`) or must be configured. */
  allowGeneratedKey?: boolean
  collectorProducer?: ProducerOptions
  /** Shorter status checks and notice settling for tests. */
  exporter?: Pick<ExporterOptions, 'statusIntervalMs' | 'noticeSettleMs'>
}

export interface Runtime {
  context: RuntimeContext
  /** What started, in order, with where it listens or what it runs (for the start banner). */
  started: Array<{ name: ServiceName; detail?: string }>
  collector?: CollectorHandle
  normalizer?: NormalizerHandle
  /** Rules, alert store and outbox, shared by in-stream detection and the detector. */
  detection?: DetectorParts
  detector?: DetectorHandle
  reporter?: Reporter
  /** Reports for the console when the reporter runs elsewhere (they share `<dataDir>/reports`). */
  reports?: Reports
  console?: ConsoleHandle
  exporter?: ExporterHandle
  selfAudit?: SelfAudit
  ops?: Listener
  /** The combined health of every service of the process, as `/readyz` answers it. */
  readiness: () => Promise<Readiness>
  stop: (reason: string) => Promise<void>
}

function requireStore(context: RuntimeContext, name: ServiceName): Store {
  if (!context.store) throw new Error(`the ${name} needs the store: create the context with store: true`)
  return context.store
}

/** mcp-audit's own users' actions go to the audit stream through Kafka, or to the log without it. */
function createSelfAudit(context: RuntimeContext): SelfAudit {
  const { brokers, config, logger, lifecycle } = context
  const selfAudit =
    brokers.length > 0
      ? createKafkaSelfAudit(
          createKafka({ brokers, clientId: config.kafka.clientId, security: config.kafka }, logger),
          config,
          logger,
        )
      : createLoggingSelfAudit(logger)
  lifecycle.register('self-audit', () => selfAudit.stop())
  return selfAudit
}

/**
 * Starts the chosen services in pipeline order (they stop in reverse: the collector stops taking
 * events first), wired the same way whichever process runs them: the normalizer stores rows, then
 * feeds the MCP metrics and the match rules; the detector delivers what those rules find and runs
 * the windowed rules. Every loop, writer, scheduler and outbox reports into the lifecycle's health
 * registry, which the collector's, console's and ops server's `/readyz` answer from.
 */
export async function startServices(context: RuntimeContext, selection: ServiceSelection): Promise<Runtime> {
  const { config, brokers, logger, registry, lifecycle } = context
  const wanted = new Set(selection.services)
  const runtime: Runtime = {
    context,
    started: [],
    readiness: () => lifecycle.health.readiness(),
    stop: (reason) => lifecycle.stop(reason),
  }
  // Checked before anything starts: a normalizer without its key must not half-start.
  const pseudonymizationKey = wanted.has('normalizer')
    ? resolvePseudonymizationKey(config, { allowGenerated: selection.allowGeneratedKey ?? false })
    : undefined
  // Registered first so it closes last: `/readyz` answers "draining" for the whole shutdown.
  if (selection.ops) {
    runtime.ops = await startOpsServer({ ...selection.ops, registry, health: lifecycle.health })
    lifecycle.register('ops-http', runtime.ops.close)
  }

  if (wanted.has('normalizer') || wanted.has('detector')) {
    const store = requireStore(context, wanted.has('detector') ? 'detector' : 'normalizer')
    runtime.detection = createDetectorParts({ config, store, logger, registry })
  }
  if (wanted.has('detector')) {
    runtime.detector = startDetector({
      config,
      store: requireStore(context, 'detector'),
      logger,
      registry,
      lifecycle,
      parts: runtime.detection!,
      scheduleWindows: selection.scheduleWindows ?? true,
    })
    runtime.started.push({ name: 'detector', detail: `${runtime.detection!.rules.length} rules` })
  }
  if (wanted.has('normalizer')) {
    const detection = runtime.detection!
    const mcpMetrics = createMcpMetrics(registry)
    const sealer = startSealer({ config, store: requireStore(context, 'normalizer'), logger, lifecycle })
    runtime.normalizer = await startNormalizer({
      config,
      brokers,
      store: requireStore(context, 'normalizer'),
      logger,
      registry,
      lifecycle,
      pseudonymizationKey: pseudonymizationKey!,
      onRowsStored: async (rows) => {
        mcpMetrics.observe(rows)
        await detection.stream.inspect(rows)
      },
      onConflicts: async (conflicts) => {
        await detection.alerts.record(eventConflictCandidates(conflicts))
      },
      onEventsCommitted: sealer.committed,
      onEventsAssigned: sealer.assigned,
    })
    runtime.started.push({ name: 'normalizer' })
  }
  if (wanted.has('exporter')) {
    const sinks = config.export.sinks
    if (sinks.length > 0) {
      if (brokers.length === 0)
        throw new Error(
          "the exporter needs Kafka (KAFKA_BROKERS): it reads the normalizer's committed offsets there",
        )
      const store = requireStore(context, 'exporter')
      // Alone, the exporter records its alert for the detector's outbox to deliver.
      const alerts =
        runtime.detection?.alerts ?? createAlertRecorder({ config, store, logger, registry }).alerts
      runtime.exporter = startExporter({
        config,
        brokers,
        store,
        logger,
        registry,
        lifecycle,
        consoleUrl: consoleUrl(config),
        onLagging: async (episode) => {
          await alerts.record(exportLaggingCandidates(episode))
        },
        ...selection.exporter,
      })
    }
    runtime.started.push({
      name: 'exporter',
      detail:
        sinks.length > 0
          ? sinks.map((sink) => `${sink.name} (${sink.type})`).join(', ')
          : 'no sinks configured (export.sinks)',
    })
  }
  if (wanted.has('collector')) {
    runtime.collector = await startCollector({
      config,
      brokers,
      logger,
      registry,
      lifecycle,
      ...(selection.collectorProducer ? { producer: selection.collectorProducer } : {}),
    })
    runtime.started.push({ name: 'collector', detail: runtime.collector.url })
  }
  if (wanted.has('reporter') || wanted.has('console')) runtime.selfAudit = createSelfAudit(context)
  if (wanted.has('reporter')) {
    const reporter = startReporter({
      config,
      store: requireStore(context, 'reporter'),
      logger,
      registry,
      lifecycle,
      selfAudit: runtime.selfAudit!,
    })
    runtime.reporter = reporter
    runtime.reports = reporter.reports
    runtime.started.push({
      name: 'reporter',
      detail: `${config.reports.length} schedule(s); signing key ${reporter.signingKey.keyId}`,
    })
  }
  if (wanted.has('console')) {
    const store = requireStore(context, 'console')
    // Without the reporter here, the console still reads and writes <dataDir>/reports (a shared volume).
    runtime.reports ??= createReports({
      config,
      store,
      logger,
      selfAudit: runtime.selfAudit!,
      signingKey: loadSigningKey(config, logger),
    })
    runtime.console = await startConsole({
      config,
      store,
      logger,
      registry,
      lifecycle,
      selfAudit: runtime.selfAudit!,
      reports: runtime.reports,
      // In one process the console shows the exporter's live state; alone, what it saved in the store.
      ...(runtime.exporter ? { exportStatus: () => runtime.exporter!.status() } : {}),
    })
    runtime.started.push({ name: 'console', detail: runtime.console.url })
  }
  return runtime
}
