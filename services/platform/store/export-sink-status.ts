import type { AppConfig } from '../../../schemas/config.js'
import { sinkRecords } from '../../../schemas/export.js'
import type { RecordKind } from '../../../schemas/export-record.js'
import type { Store } from '../clickhouse.js'
import { defineTable } from './table.js'
import { clickhouseTime } from './time.js'

/**
 * `export_sink_status` (schemas/clickhouse/0010_export_records.sql): each export sink's state as
 * its exporter last wrote it, so a console in another process can show it. The newest row per
 * sink is current (ReplacingMergeTree on updated_at; reads take argMax, no FINAL needed).
 */
export const EXPORT_SINK_STATUS = 'export_sink_status'

export interface SinkStatusRow {
  sink: string
  type: string
  records: string[]
  lag: number | null
  paused: boolean
  last_error: string
  last_success_ms: number | null
  failing_since_ms: number | null
  sent_total: Record<string, number>
  records_per_second: number
  updated_ms: number
}

const optionalTime = (ms: number | null) => (ms === null ? null : clickhouseTime(ms))

export const exportSinkStatusTable = defineTable<SinkStatusRow>(EXPORT_SINK_STATUS, (row) => ({
  sink: row.sink,
  type: row.type,
  records: row.records,
  lag: row.lag,
  paused: row.paused,
  last_error: row.last_error,
  last_success_at: optionalTime(row.last_success_ms),
  failing_since: optionalTime(row.failing_since_ms),
  sent_total: row.sent_total,
  records_per_second: row.records_per_second,
  updated_at: clickhouseTime(row.updated_ms),
}))

interface Fetched {
  sink: string
  type: string
  records: string[]
  lag: string | null
  paused: boolean
  last_error: string
  last_success_ms: string | null
  failing_since_ms: string | null
  sent_total: Record<string, string>
  records_per_second: number
  updated_ms: string
}

const numberOrNull = (text: string | null) => (text === null ? null : Number(text))

/** The newest status row of every sink that has written one (nullable columns in a tuple: argMax skips NULLs). */
export async function readSinkStatuses(store: Pick<Store, 'client' | 'database'>): Promise<SinkStatusRow[]> {
  const result = await store.client.query({
    query: `SELECT sink,
        argMax(type, updated_at) AS type,
        argMax(records, updated_at) AS records,
        toString(argMax(tuple(lag), updated_at).1) AS lag,
        argMax(paused, updated_at) AS paused,
        argMax(last_error, updated_at) AS last_error,
        toString(toUnixTimestamp64Milli(argMax(tuple(last_success_at), updated_at).1)) AS last_success_ms,
        toString(toUnixTimestamp64Milli(argMax(tuple(failing_since), updated_at).1)) AS failing_since_ms,
        argMax(sent_total, updated_at) AS sent_total,
        argMax(records_per_second, updated_at) AS records_per_second,
        toString(toUnixTimestamp64Milli(max(updated_at))) AS updated_ms
      FROM ${exportSinkStatusTable(store).name}
      GROUP BY sink
      ORDER BY sink`,
    format: 'JSONEachRow',
  })
  const rows = await result.json<Fetched>()
  return rows.map((row) => ({
    ...row,
    lag: numberOrNull(row.lag),
    last_success_ms: numberOrNull(row.last_success_ms),
    failing_since_ms: numberOrNull(row.failing_since_ms),
    sent_total: Object.fromEntries(Object.entries(row.sent_total).map(([kind, n]) => [kind, Number(n)])),
    updated_ms: Number(row.updated_ms),
  }))
}

/**
 * How often the exporter saves its sinks' status (and checks them for the lagging alert). Here
 * beside the read because the read's staleness rule is counted in these intervals.
 */
export const STATUS_INTERVAL_MS = 5_000

/** A status older than this many intervals means no exporter is running the sink. */
const STALE_INTERVALS = 3

/** A sink's status as the console shows it, from the store, so it is the same whichever process runs the exporter. */
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
