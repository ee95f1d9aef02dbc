import type { Store } from '../clickhouse.js'
import { defineTable } from './table.js'
import { clickhouseTime } from './time.js'

/**
 * `export_record_checkpoints` (schemas/clickhouse/0010_export_records.sql): how far each export
 * sink has received the alerts and the ready reports, as the (time, id) of the last record sent
 * per kind. Positions only move forward, so the highest tuple is current whatever the merge state.
 */
export const EXPORT_RECORD_CHECKPOINTS = 'export_record_checkpoints'

/** A position in a stream ordered by (time, id): the last record sent. */
export interface RecordPosition {
  atMs: number
  id: string
}

interface CheckpointRow {
  sink: string
  kind: string
  position_at: string
  position_id: string
  updated_at: string
}

export const exportRecordCheckpointsTable = defineTable<CheckpointRow>(EXPORT_RECORD_CHECKPOINTS)

/** A sink's position in one kind's stream; `undefined` when it has never saved one. */
export async function readRecordCheckpoint(
  store: Pick<Store, 'client' | 'database'>,
  sink: string,
  kind: string,
): Promise<RecordPosition | undefined> {
  const result = await store.client.query({
    query: `SELECT toString(toUnixTimestamp64Milli(position.1)) AS at_ms, position.2 AS id
      FROM (
        SELECT max((position_at, position_id)) AS position, count() AS n
        FROM ${exportRecordCheckpointsTable(store).name}
        WHERE sink = {sink:String} AND kind = {kind:String}
      )
      WHERE n > 0`,
    query_params: { sink, kind },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ at_ms: string; id: string }>()
  return row ? { atMs: Number(row.at_ms), id: row.id } : undefined
}

export async function writeRecordCheckpoint(
  store: Pick<Store, 'client' | 'database'>,
  sink: string,
  kind: string,
  position: RecordPosition,
  now = new Date(),
): Promise<void> {
  await exportRecordCheckpointsTable(store).insert([
    {
      sink,
      kind,
      position_at: clickhouseTime(position.atMs),
      position_id: position.id,
      updated_at: clickhouseTime(now),
    },
  ])
}
