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
