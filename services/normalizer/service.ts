import type { Registry } from 'prom-client'
import type { AuditRow, EventConflictRow, ReceiptRow } from '../../schemas/audit-row.js'
import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy, type HealthProbe } from '../platform/health.js'
import { createKafka } from '../platform/kafka/client.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { auditEventsTable } from '../platform/store/audit-events.js'
import { ingestReceiptsTable } from '../platform/store/ingest-receipts.js'
import { createIngestLoop, type IngestLoop, type ProcessMessages } from './consumer.js'
import { DeadLetterPublisher } from './dlq.js'
import { createFirstWriteWins } from './first-write-wins.js'
import { normalizerMetrics } from './metrics.js'
import { inlineEventProcessor, receiptProcessor } from './pipeline.js'
import { createRedactor } from './redaction/index.js'
import { redactionConfigFrom } from './redaction-config.js'
import { retentionLookup, timeZoneLookup } from './retention.js'
import { placementLookup } from './steps/placement.js'
import { payloadLimits } from './steps/redact.js'
import { startWorkerPool } from './worker-pool.js'

export interface NormalizerOptions {
  config: AppConfig
  brokers: string[]
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  pseudonymizationKey: string
  /** In-stream detection on stored rows (the detector's match rules). */
  onRowsStored?: (rows: readonly AuditRow[]) => Promise<void>
  /** Raises refused second versions of stored events (rule mcp-audit-event-conflict). */
  onConflicts?: (conflicts: readonly EventConflictRow[]) => Promise<void>
  /** Offsets of `mcp.audit.raw` committed after their rows were stored (the integrity sealer). */
  onEventsCommitted?: (positions: Array<{ partition: number; offset: string }>) => void
  /** The raw topic's partitions this normalizer reads, each time the group gives it a new set. */
  onEventsAssigned?: (partitions: number[]) => void
  /**
   * False skips the first-write-wins check: only for the benchmark that measures what the trail's
   * integrity costs. Production always checks.
   */
  firstWriteWins?: boolean
}

/** A loop's health (crashed consumer, failing writer, stalled loop) as a probe for `/readyz`. */
function loopProbe(loop: IngestLoop): HealthProbe {
  return () => {
    const state = loop.health()
    return state.healthy ? healthy : unhealthy(state.reason ?? 'unhealthy')
  }
}

export interface NormalizerHandle {
  health: () => { healthy: boolean; reasons: string[] }
}

/**
 * Two consumer loops: `mcp.audit.raw` → parse, normalize, redact → `audit_events` (the first
 * version of each event id only: first-write-wins.ts), and
 * `mcp.audit.receipts` → `ingest_receipts`. Both dead-letter what they cannot read or store.
 */
export async function startNormalizer(options: NormalizerOptions): Promise<NormalizerHandle> {
  const { config, brokers, store, logger, registry, lifecycle } = options
  const settings = config.normalizer
  const metrics = normalizerMetrics(registry)
  const kafka = createKafka(
    { brokers, clientId: `${config.kafka.clientId}-normalizer`, security: config.kafka },
    logger,
  )
  const dlq = new DeadLetterPublisher(kafka, config.kafka.topics.dlq, logger)
  await dlq.connect()
  lifecycle.register('normalizer-dlq', () => dlq.disconnect())

  const limits = payloadLimits(settings)
  const redactionConfig = redactionConfigFrom(config, options.pseudonymizationKey)
  const retentionDays = retentionLookup(config.tenants)
  let process: ProcessMessages<AuditRow>
  if (settings.workers > 0) {
    const tenants = config.tenants.map(({ id, retention, timezone, residency, serverTls }) => ({
      id,
      retention,
      timezone,
      residency,
      serverTls,
    }))
    const pool = startWorkerPool({ threads: settings.workers, redaction: redactionConfig, limits, tenants })
    lifecycle.register('normalizer-workers', () => pool.close())
    process = pool.process
  } else {
    process = inlineEventProcessor({
      redactor: createRedactor(redactionConfig),
      limits,
      retentionDays,
      timeZone: timeZoneLookup(config.tenants),
      placement: placementLookup(config.tenants),
    })
  }
  const countFindings: ProcessMessages<AuditRow> = async (messages, source) => {
    const outcomes = await process(messages, source)
    for (const outcome of outcomes) {
      if (outcome.kind !== 'ok') continue
      for (const row of outcome.rows) {
        for (const [type, count] of Object.entries(row.redaction_findings))
          metrics.redactionFindings.inc({ type }, count)
      }
    }
    return outcomes
  }

  const firstWriteWins = createFirstWriteWins({
    store,
    logger,
    metrics,
    ...(options.onConflicts ? { onConflicts: options.onConflicts } : {}),
  })
  const events = createIngestLoop<AuditRow>({
    name: 'normalizer',
    kafka,
    groupId: settings.consumerGroup,
    topic: config.kafka.topics.raw,
    logger,
    metrics,
    dlq,
    process: countFindings,
    chunkSize: settings.chunkSize,
    pipelineDepth: settings.workers + 1,
    ...(options.onEventsCommitted ? { onCommitted: options.onEventsCommitted } : {}),
    ...(options.onEventsAssigned ? { onAssigned: options.onEventsAssigned } : {}),
    writer: {
      table: auditEventsTable(store),
      maxRows: settings.batchMaxRows,
      maxWaitMs: settings.batchMaxWaitMs,
      ...(options.firstWriteWins === false
        ? {}
        : { screen: (rows: readonly object[]) => firstWriteWins(rows as readonly AuditRow[]) }),
      ...(options.onRowsStored
        ? { afterInsert: (rows: readonly object[]) => options.onRowsStored!(rows as readonly AuditRow[]) }
        : {}),
    },
  })
  const receipts = createIngestLoop<ReceiptRow>({
    name: 'receipts',
    kafka,
    groupId: `${settings.consumerGroup}-receipts`,
    topic: config.kafka.topics.receipts,
    logger,
    metrics,
    dlq,
    process: receiptProcessor,
    chunkSize: settings.chunkSize,
    writer: {
      table: ingestReceiptsTable(store),
      maxRows: settings.batchMaxRows,
      maxWaitMs: settings.batchMaxWaitMs,
    },
  })
  // Both joins wait for the group to settle (after a crash, until the dead member's session
  // expires), so they run side by side.
  await Promise.all([events.start(), receipts.start()])
  lifecycle.register('normalizer-events', () => events.stop())
  lifecycle.register('normalizer-receipts', () => receipts.stop())
  lifecycle.health.register('normalizer-events', loopProbe(events))
  lifecycle.health.register('normalizer-receipts', loopProbe(receipts))
  logger.info({ topic: config.kafka.topics.raw, workers: settings.workers }, 'normalizer_started')

  return {
    health: () => {
      const reasons = [events.health(), receipts.health()].flatMap((h) =>
        h.healthy ? [] : [h.reason ?? 'unhealthy'],
      )
      return { healthy: reasons.length === 0, reasons }
    },
  }
}
