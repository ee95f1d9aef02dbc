import { randomUUID } from 'node:crypto'
import type { ClickHouseSettings } from '@clickhouse/client'
import type { Store } from '../clickhouse.js'

/** The tables of the migrations in schemas/clickhouse/, each owned by one module of this folder. */
export type TableName =
  | 'audit_events'
  | 'audit_event_ids'
  | 'event_conflicts'
  | 'ingest_receipts'
  | 'alerts'
  | 'alert_deliveries'
  | 'detector_watermarks'
  | 'reports'
  | 'schema_migrations'
  | 'integrity_seals'
  | 'export_checkpoints'
  | 'export_record_checkpoints'
  | 'export_sink_status'

/** `database.table` for SQL text: the database is a validated plain identifier (schemas/config.ts). */
export function tableName(database: string, table: TableName): string {
  return `${database}.${table}`
}

export interface InsertOptions {
  /** Names the insert in `system.query_log`; by default the table and a fresh id. */
  queryId?: string
  /**
   * Blocks with the same token are stored once (tables with `non_replicated_deduplication_window`).
   * Without one, a server deduplicates by the block's contents, and the embedded engine gets a
   * fresh token (see services/platform/clickhouse.ts).
   */
  dedupToken?: string
  settings?: ClickHouseSettings
}

/** One table, bound to its row type: its qualified name for reads and the one way to write it. */
export interface Table<Row> {
  readonly name: string
  insert(rows: readonly Row[], options?: InsertOptions): Promise<void>
}

/**
 * A table's insert: rows go as JSONEachRow through `toStored` (how the row is written, e.g. times
 * as DateTime64 text), each insert with its query id and, when given, its deduplication token.
 */
export function defineTable<Row extends object>(
  table: TableName,
  toStored?: (row: Row) => object,
): (store: Pick<Store, 'client' | 'database'>) => Table<Row> {
  return (store) => ({
    name: tableName(store.database, table),
    async insert(rows, options = {}) {
      if (rows.length === 0) return
      // A token key left undefined would hide the embedded store's fresh one: set it only when named.
      const settings: ClickHouseSettings = { ...options.settings }
      if (options.dedupToken !== undefined) settings.insert_deduplication_token = options.dedupToken
      const values: object[] = toStored ? rows.map(toStored) : [...rows]
      await store.client.insert({
        table: tableName(store.database, table),
        values,
        format: 'JSONEachRow',
        query_id: options.queryId ?? `${table}-${randomUUID()}`,
        clickhouse_settings: settings,
      })
    },
  })
}
