import { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client'

/**
 * Rows already encoded as text, one line each, for `columns` of `table` in `format`. Encoding
 * elsewhere (on the normalizer's worker threads) leaves the thread that inserts only the joining.
 */
export interface EncodedInsert {
  /** `database.table`, from the table's module. */
  table: string
  columns: readonly string[]
  format: 'JSONCompactEachRow'
  /** The rows, each line ending in '\n'. */
  body: Buffer
  queryId: string
  settings: ClickHouseSettings
}

type EmbeddedInsert = (insert: EncodedInsert) => Promise<void>

/** The embedded engine's own insert of each embedded client (services/platform/clickhouse.ts). */
const embeddedInserts = new WeakMap<ClickHouseClient, EmbeddedInsert>()

export function registerEmbeddedInsert(client: ClickHouseClient, insert: EmbeddedInsert): void {
  embeddedInserts.set(client, insert)
}

/** `INSERT INTO table (columns) FORMAT format`: names come from the table modules, never from data. */
export function encodedInsertSql(insert: Pick<EncodedInsert, 'table' | 'columns' | 'format'>): string {
  return `INSERT INTO ${insert.table} (${insert.columns.join(', ')}) FORMAT ${insert.format}`
}

/**
 * Inserts encoded rows. The embedded engine takes the bytes as they are (no copy into the SQL text,
 * its parallel parser reads them); a server gets them as the body of the HTTP insert. The client's
 * own `insert` would serialize every row again on this thread.
 */
export async function insertEncoded(client: ClickHouseClient, insert: EncodedInsert): Promise<void> {
  const embedded = embeddedInserts.get(client)
  if (embedded) {
    await embedded(insert)
    return
  }
  const result = await client.exec({
    query: encodedInsertSql(insert),
    values: Readable.from([insert.body], { objectMode: false }),
    query_id: insert.queryId,
    clickhouse_settings: insert.settings,
  })
  // The response of an insert is empty; reading it to the end releases the connection.
  await finished(result.stream.resume())
}
