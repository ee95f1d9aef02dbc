import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { AuditRow } from '../../schemas/audit-row.js'
import { AppConfig } from '../../schemas/config.js'
import { startCollector } from '../../services/collector/service.js'
import { startDetector, type DetectorHandle } from '../../services/detector/service.js'
import { startNormalizer } from '../../services/normalizer/service.js'
import { openStore, type Store } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics, pipelineTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate } from '../../services/platform/migrations.js'
import { createContext, startServices } from '../../services/runtime/index.js'
import { startBenchBroker } from './bench-broker.js'
import type { BenchmarkContext } from './report.js'

/**
 * The security benchmark's setting: the pipeline in one process as `mcp-audit start` runs it
 * (detector with its windowed rules ticked by the benchmark, normalizer with redaction, collector,
 * console), a local broker, the embedded store, and two tenants with ingest and admin tokens.
 * The console comes from the runtime, as `start` composes it; the rest is composed here so that
 * the benchmark sees each insert of the normalizer return (the tap), without polling the engine it
 * measures.
 */

export const TENANTS = ['acme', 'globex'] as const
export type TenantId = (typeof TENANTS)[number]
export const PSEUDONYMIZATION_KEY = 'bench-security-pseudonymization-key-0123456789'

/** When each event id was stored: the normalizer's insert of its row returned. */
export class IdTap {
  private readonly storedAt = new Map<string, number>()
  /** Receipt at the collector (received_at) → insert returned, per event id. */
  readonly latencyMs = new Map<string, number>()
  private waiting: Array<{ ids: readonly string[]; resolve: () => void }> = []

  record(rows: readonly AuditRow[]): void {
    const now = performance.now()
    const wall = Date.now()
    for (const row of rows) {
      this.storedAt.set(row.event_id, now)
      this.latencyMs.set(row.event_id, wall - Date.parse(row.received_at))
    }
    this.waiting = this.waiting.filter((waiter) => {
      if (!this.allStored(waiter.ids)) return true
      waiter.resolve()
      return false
    })
  }

  allStored(ids: readonly string[]): boolean {
    return ids.every((id) => this.storedAt.has(id))
  }

  /** The moment (performance.now()) the last of `ids` was stored; NaN while one is missing. */
  lastStoredAt(ids: readonly string[]): number {
    let last = 0
    for (const id of ids) {
      const at = this.storedAt.get(id)
      if (at === undefined) return Number.NaN
      last = Math.max(last, at)
    }
    return last
  }

  /** Resolves true once every id was stored, false after `timeoutMs`. */
  waitFor(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    if (this.allStored(ids)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.waiting.push({
        ids,
        resolve: () => {
          clearTimeout(timer)
          resolve(true)
        },
      })
    })
  }
}

export interface SecurityRig {
  config: AppConfig
  store: Store
  collectorUrl: string
  consoleUrl: string
  ingestTokens: Record<TenantId, string>
  adminTokens: Record<TenantId, string>
  tap: IdTap
  detector: DetectorHandle
}

export async function setUpSecurityRig(ctx: BenchmarkContext): Promise<SecurityRig> {
  const logger = createLogger({ level: 'warn', destination: process.stderr })
  const { dir, broker } = await startBenchBroker(ctx, 'security')
  const suffix = randomBytes(4).toString('hex')
  const token = () => randomBytes(24).toString('hex')
  const ingestTokens = { acme: token(), globex: token() }
  const adminTokens = { acme: token(), globex: token() }
  const unlimited = { eventsPerSecond: 1e9, burst: 1e9 }
  const raw = `bench.security.${suffix}`
  const config = AppConfig.parse({
    logLevel: 'warn',
    dataDir: path.join(dir, 'data'),
    kafka: {
      brokers: broker.brokers,
      clientId: 'mcp-audit-bench',
      topics: { raw, dlq: `${raw}.dlq`, receipts: `${raw}.receipts` },
    },
    clickhouse: { database: `bench_security_${suffix}` },
    pseudonymization: { key: PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `bench-security-${suffix}` },
    collector: { port: 0, metricsPort: 0, host: '127.0.0.1', rateLimit: unlimited },
    console: { port: 0, metricsPort: 0, host: '127.0.0.1', metricsHost: '127.0.0.1' },
    tenants: TENANTS.map((id) => ({
      id,
      tokens: [
        { name: `${id}-gateway`, scope: 'ingest', value: ingestTokens[id] },
        { name: `${id}-admin`, scope: 'admin', value: adminTokens[id] },
      ],
      rateLimit: unlimited,
    })),
  })

  const store = openStore(config)
  ctx.defer('close the embedded store', () => store.close())
  await migrate(store, logger)
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'mcp-audit-bench' }, logger)
  await ensureTopics(kafka, pipelineTopics(config))

  const lifecycle = new Lifecycle(logger)
  ctx.defer('stop the pipeline', () => lifecycle.stop('benchmark finished'))
  const registry = createMetricsRegistry()
  const tap = new IdTap()
  const detector = startDetector({ config, store, logger, registry, lifecycle, scheduleWindows: false })
  await startNormalizer({
    config,
    brokers: broker.brokers,
    store,
    logger,
    registry,
    lifecycle,
    pseudonymizationKey: PSEUDONYMIZATION_KEY,
    onRowsStored: async (rows) => {
      tap.record(rows)
      await detector.inspectRows(rows)
    },
  })
  const collector = await startCollector({ config, brokers: broker.brokers, logger, registry, lifecycle })
  // The console as `start` builds it (admin SQL session, self-audit, reports), on the same store.
  const context = await createContext(
    { config, logger, lifecycle, store, registry },
    { kafka: 'none', store: false, what: 'the security benchmark' },
  )
  const runtime = await startServices(context, { services: ['console'] })
  return {
    config,
    store,
    collectorUrl: collector.url,
    consoleUrl: runtime.console!.url,
    ingestTokens,
    adminTokens,
    tap,
    detector,
  }
}

/** POSTs events to the collector; resolves with the moment of the answer and its status. */
export async function post(
  rig: SecurityRig,
  tenant: TenantId,
  events: readonly unknown[],
): Promise<{ status: number; answeredAt: number }> {
  const res = await fetch(`${rig.collectorUrl}/v1/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${rig.ingestTokens[tenant]}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(events),
  })
  await res.arrayBuffer()
  return { status: res.status, answeredAt: performance.now() }
}
