import type { AppConfig } from '../../schemas/config.js'
import { sinkRecords } from '../../schemas/export.js'
import type { RecordKind } from '../../schemas/export-record.js'
import type { Store } from '../platform/clickhouse.js'
import { readSinkStatuses, type SinkStatusRow } from '../platform/store/export-sink-status.js'
import type { SinkStatus } from './sink-runner.js'

/**
 * Each sink's status for the console (sink list: lag, last error, throughput), from the store, so
 * it is the same whether the exporter runs in the console's process or alone (`mcp-audit
 * exporter`). The exporter writes it every `STATUS_INTERVAL_MS`.
 */

/** How often the exporter saves its sinks' status and checks them for the lagging alert. */
export const STATUS_INTERVAL_MS = 5_000

/** A status older than this many intervals means no exporter is running the sink. */
const STALE_INTERVALS = 3

export interface ExportSinkStatus {
  name: string
  type: string
  records: RecordKind[]
  /** Committed event messages the sink has not passed; null when unknown. */
  lag: number | null
  /** Waiting after a failed send. */
  paused: boolean
  lastError: string | null
  lastSuccessAt: string | null
  /** Failing since (sends or passes), null when not failing. */
  failingSince: string | null
  /** Failing for `export.unhealthyAfterSeconds`, or `export.lagAlertMessages` behind. */
  lagging: boolean
  /** Records taken since the exporter process started, per kind. */
  sentTotal: Record<string, number>
  recordsPerSecond: number
  /** When the exporter last wrote this status; null when it never has. */
  updatedAt: string | null
  /** False when no exporter has reported the sink lately (not running, or not this configuration). */
  reporting: boolean
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function statusRow(status: SinkStatus, nowMs: number): SinkStatusRow {
  return {
    sink: status.name,
    type: status.type,
    records: status.records,
    lag: status.lag ?? null,
    paused: status.paused,
    last_error: status.lastError ?? '',
    last_success_ms: status.lastSuccessMs ?? null,
    failing_since_ms: status.failingSinceMs ?? null,
    sent_total: status.sentTotal,
    records_per_second: status.recordsPerSecond,
    updated_ms: nowMs,
  }
}

/**
 * Every configured sink (`export.sinks`), in configuration order, with what the exporter last
 * saved about it. A sink the exporter has not reported for a while is `reporting: false`.
 */
export async function exportStatus(
  store: Pick<Store, 'client' | 'database'>,
  config: Pick<AppConfig, 'export'>,
  nowMs = Date.now(),
): Promise<ExportSinkStatus[]> {
  const rows = new Map((await readSinkStatuses(store)).map((row) => [row.sink, row]))
  const { unhealthyAfterSeconds, lagAlertMessages } = config.export
  return config.export.sinks.map((sink) => {
    const row = rows.get(sink.name)
    const reporting = row !== undefined && nowMs - row.updated_ms <= STALE_INTERVALS * STATUS_INTERVAL_MS
    const failing =
      row?.failing_since_ms != null && row.updated_ms - row.failing_since_ms >= unhealthyAfterSeconds * 1000
    return {
      name: sink.name,
      type: sink.type,
      records: sinkRecords(sink),
      lag: row?.lag ?? null,
      paused: row?.paused ?? false,
      lastError: row?.last_error || null,
      lastSuccessAt: iso(row?.last_success_ms ?? null),
      failingSince: iso(row?.failing_since_ms ?? null),
      lagging: failing || (row?.lag ?? 0) >= lagAlertMessages,
      sentTotal: row?.sent_total ?? {},
      recordsPerSecond: reporting ? (row?.records_per_second ?? 0) : 0,
      updatedAt: iso(row?.updated_ms ?? null),
      reporting,
    }
  })
}
