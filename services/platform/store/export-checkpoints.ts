import type { Store } from '../clickhouse.js'
import { defineTable } from './table.js'
import { clickhouseTime } from './time.js'

/**
 * `export_checkpoints` (schemas/clickhouse/0009_export_checkpoints.sql): how far each export sink
 * has received the stored stream, as the next offset per partition of the raw topic. Positions
 * only move forward (the table's version is the position), so the highest one is current whatever
 * the merge state and reads need no FINAL.
 */
export const EXPORT_CHECKPOINTS = 'export_checkpoints'

export interface CheckpointRow {
  sink: string
  source_partition: number
  next_offset: number
  updated_at: Date
}

export const exportCheckpointsTable = defineTable<CheckpointRow>(EXPORT_CHECKPOINTS, (row) => ({
  sink: row.sink,
  source_partition: row.source_partition,
  next_offset: row.next_offset,
  updated_at: clickhouseTime(row.updated_at),
}))

/** A sink's positions (partition → next offset); `undefined` when the sink has never saved one. */
export async function readCheckpoint(
  store: Pick<Store, 'client' | 'database'>,
  sink: string,
): Promise<Map<number, number> | undefined> {
  const result = await store.client.query({
    query: `SELECT source_partition, toString(max(next_offset)) AS next_offset
      FROM ${exportCheckpointsTable(store).name}
      WHERE sink = {sink:String}
      GROUP BY source_partition`,
    query_params: { sink },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ source_partition: number; next_offset: string }>()
  if (rows.length === 0) return undefined
  return new Map(rows.map((row) => [Number(row.source_partition), Number(row.next_offset)]))
}

/** Saves the positions of these partitions in one insert: all of them are stored, or none. */
export async function writeCheckpoint(
  store: Pick<Store, 'client' | 'database'>,
  sink: string,
  positions: ReadonlyMap<number, number>,
  now = new Date(),
): Promise<void> {
  await exportCheckpointsTable(store).insert(
    [...positions].map(([partition, offset]) => ({
      sink,
      source_partition: partition,
      next_offset: offset,
      updated_at: now,
    })),
  )
}
