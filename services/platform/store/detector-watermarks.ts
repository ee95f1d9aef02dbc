import type { Store } from '../clickhouse.js'
import { defineTable } from './table.js'
import { clickhouseTime } from './time.js'

/**
 * `detector_watermarks` (schemas/clickhouse/0003_alerts.sql): where each windowed rule's evaluation
 * has reached. Watermarks only move forward, so the highest one is current whatever the merge
 * state, and reads need no FINAL.
 */
export const DETECTOR_WATERMARKS = 'detector_watermarks'

export interface WatermarkRow {
  rule_id: string
  evaluated_to: Date
  updated_at: Date
}

export const watermarksTable = defineTable<WatermarkRow>(DETECTOR_WATERMARKS, (row) => ({
  rule_id: row.rule_id,
  evaluated_to: clickhouseTime(row.evaluated_to),
  updated_at: clickhouseTime(row.updated_at),
}))

/** The watermark (epoch milliseconds) of each of these rules that has one. */
export async function readWatermarks(
  store: Pick<Store, 'client' | 'database'>,
  ruleIds: readonly string[],
): Promise<Map<string, number>> {
  if (ruleIds.length === 0) return new Map()
  const result = await store.client.query({
    query: `SELECT rule_id, toString(toUnixTimestamp64Milli(max(evaluated_to))) AS evaluated_to_ms
      FROM ${watermarksTable(store).name}
      WHERE rule_id IN {ids:Array(String)}
      GROUP BY rule_id`,
    query_params: { ids: ruleIds },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ rule_id: string; evaluated_to_ms: string }>()
  return new Map(rows.map((row) => [row.rule_id, Number(row.evaluated_to_ms)]))
}

export async function writeWatermark(
  store: Pick<Store, 'client' | 'database'>,
  ruleId: string,
  evaluatedTo: Date,
): Promise<void> {
  await watermarksTable(store).insert([
    { rule_id: ruleId, evaluated_to: evaluatedTo, updated_at: new Date() },
  ])
}
