import type { Registry } from 'prom-client'
import { SinkConfig } from '../../schemas/export.js'
import type { Store } from '../../services/platform/clickhouse.js'
import type { Logger } from '../../services/platform/logger.js'
import { createEventStream } from '../../services/exporter/event-stream.js'
import { exportMetrics } from '../../services/exporter/metrics.js'
import { advance, windowsFor, type Positions } from '../../services/exporter/position.js'
import { readWindows } from '../../services/exporter/read.js'
import { toExportEvent } from '../../services/exporter/record.js'
import { createSinkRunner } from '../../services/exporter/sink-runner.js'
import { createSink } from '../../services/exporter/sinks/index.js'
import { parseAllowList } from '../../services/webhooks/ssrf.js'

/**
 * The export benchmark's measurements on a filled store: the read path alone (the ceiling), the
 * read path with the export record mapping, and a sink's real loop (sink-runner.ts: read, map, send,
 * checkpoint) from the first row to the last.
 */

export interface Drain {
  rows: number
  seconds: number
  /** False when the time ran out first: `rows` is what was passed until then. */
  complete: boolean
}

/** Reads every row below `ends` the way a sink's passes do, optionally mapping each to its export record. */
export async function readAll(
  store: Pick<Store, 'client' | 'database'>,
  ends: Positions,
  batchRows: number,
  mapRecords: boolean,
): Promise<Drain> {
  const started = performance.now()
  let positions: Positions = new Map([...ends].map(([partition]) => [partition, 0]))
  let rows = 0
  for (;;) {
    const windows = windowsFor(positions, ends, batchRows)
    if (windows.length === 0) break
    const batch = await readWindows(store, windows, undefined, batchRows)
    if (mapRecords) batch.map(toExportEvent)
    rows += batch.length
    positions = advance(positions, windows, batch, batchRows)
  }
  return { rows, seconds: (performance.now() - started) / 1000, complete: true }
}

/** Records the `mcp_audit_export_records_total` counter holds for one sink. */
export async function recordsTaken(registry: Registry, sink: string): Promise<number> {
  const metric = registry.getSingleMetric('mcp_audit_export_records_total')
  if (!metric) return 0
  const { values } = await metric.get()
  return values.filter((value) => value.labels.sink === sink).reduce((sum, value) => sum + value.value, 0)
}

export interface SinkDrainOptions {
  store: Pick<Store, 'client' | 'database'>
  sink: unknown
  ends: Positions
  brokers: readonly string[]
  export: { batchMaxRows: number; batchMaxWaitMs: number; pollMs: number }
  registry: Registry
  logger: Logger
  timeoutMs: number
}

/**
 * One sink's own loop, started from the first stored row (`startFrom: earliest`) with the stored
 * stream's end fixed at `ends`, timed until it has passed every row (or `timeoutMs`); `rows` is
 * what the sink took.
 */
export async function drainToSink(options: SinkDrainOptions): Promise<Drain> {
  const config = SinkConfig.parse(options.sink)
  const metrics = exportMetrics(options.registry)
  const sink = createSink(config, {
    allowList: parseAllowList(['127.0.0.0/8']),
    pipelineBrokers: options.brokers,
    clientId: 'mcp-audit-bench',
    logger: options.logger,
    metrics,
    store: { ...options.store, mode: 'embedded' },
    signingKey: () => {
      throw new Error('the export bench has no S3 sink')
    },
  })
  const events = createEventStream({
    sinkName: config.name,
    startFrom: 'earliest',
    tenants: undefined,
    store: options.store,
    committed: () => Promise.resolve(options.ends),
    batchMaxRows: options.export.batchMaxRows,
    batchMaxWaitMs: options.export.batchMaxWaitMs,
    logger: options.logger,
    metrics,
    now: Date.now,
  })
  const runner = createSinkRunner({
    sink,
    streams: [events],
    pollMs: options.export.pollMs,
    unhealthyAfterMs: 300_000,
    logger: options.logger,
    metrics,
  })
  const before = await recordsTaken(options.registry, config.name)
  const started = performance.now()
  let complete = true
  let seconds = 0
  runner.start()
  try {
    while (runner.status().lag !== 0) {
      if (performance.now() - started > options.timeoutMs) {
        complete = false
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    seconds = (performance.now() - started) / 1000
  } finally {
    await runner.stop()
  }
  return { rows: (await recordsTaken(options.registry, config.name)) - before, seconds, complete }
}
