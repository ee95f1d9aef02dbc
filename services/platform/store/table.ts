import { randomUUID } from 'node:crypto'
import type { ClickHouseSettings } from '@clickhouse/client'
import type { Store } from '../clickhouse.js'
import { insertEncoded } from '../clickhouse-insert.js'

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

/** An insert's settings: the caller's, and its deduplication token when it names one. */
function insertSettings(options: InsertOptions): ClickHouseSettings {
  // A token key left undefined would hide the embedded store's fresh one: set it only when named.
  const settings: ClickHouseSettings = { ...options.settings }
  if (options.dedupToken !== undefined) settings.insert_deduplication_token = options.dedupToken
  return settings
}

function queryIdOf(table: TableName, options: InsertOptions): string {
  return options.queryId ?? `${table}-${randomUUID()}`
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
      const values: object[] = toStored ? rows.map(toStored) : [...rows]
      await store.client.insert({
        table: tableName(store.database, table),
        values,
        format: 'JSONEachRow',
        query_id: queryIdOf(table, options),
        clickhouse_settings: insertSettings(options),
      })
    },
  })
}

/**
 * A table written as JSONCompactEachRow: values in `columns` order, without the names JSONEachRow
 * repeats on every row (about half of an audit row's bytes). `encode` is pure and needs no store,
 * so rows can be encoded where they are made (the normalizer's worker threads) and inserted as
 * text; columns left out get their DEFAULT.
 */
export interface EncodedTable<Row> extends Table<Row> {
  readonly columns: readonly string[]
  encode(row: Row): string
  /** Inserts rows encoded by `encode` (the table module's encoder), in one insert. */
  insertEncoded(lines: readonly string[], options?: InsertOptions): Promise<void>
}

/** The row's values in `columns` order, as one JSONCompactEachRow line (without its newline). */
export function compactEncoder<Row extends object>(
  columns: ReadonlyArray<keyof Row & string>,
): (row: Row) => string {
  return (row) => JSON.stringify(columns.map((column) => row[column]))
}

export function defineEncodedTable<Row extends object>(
  table: TableName,
  columns: ReadonlyArray<keyof Row & string>,
): (store: Pick<Store, 'client' | 'database'>) => EncodedTable<Row> {
  const encode = compactEncoder<Row>(columns)
  return (store) => {
    const name = tableName(store.database, table)
    const insertEncodedLines = async (lines: readonly string[], options: InsertOptions = {}) => {
      if (lines.length === 0) return
      await insertEncoded(store.client, {
        table: name,
        columns,
        format: 'JSONCompactEachRow',
        body: Buffer.from(`${lines.join('\n')}\n`),
        queryId: queryIdOf(table, options),
        settings: insertSettings(options),
      })
    }
    return {
      name,
      columns,
      encode,
      insertEncoded: insertEncodedLines,
      insert: (rows, options) => insertEncodedLines(rows.map(encode), options),
    }
  }
}
