import { randomUUID } from 'node:crypto'
import type { Store } from '../../services/platform/clickhouse.js'
import { auditEventsTable } from '../../services/platform/store/audit-events.js'

/**
 * Stored audit rows made in SQL (INSERT … SELECT from numbers()), a million per statement: one
 * tenant's tool calls spread evenly over `spanMs` from `fromMs`, and over `partitions` partitions'
 * offsets (row n at partition n % partitions, offset n / partitions), as the normalizer stores them.
 */

const INSERT_CHUNK = 1_000_000

export interface StoredRowsSpec {
  rows: number
  tenant: string
  partitions: number
  fromMs: number
  spanMs: number
}

export async function fillStoredRows(
  store: Store,
  spec: StoredRowsSpec,
  progress: (message: string) => void,
): Promise<void> {
  const table = auditEventsTable(store).name
  const { rows, partitions } = spec
  for (let start = 0; start < rows; start += INSERT_CHUNK) {
    const count = Math.min(INSERT_CHUNK, rows - start)
    progress(`storing rows ${start.toLocaleString('en')}…${(start + count).toLocaleString('en')}`)
    await store.client.command({
      query: `INSERT INTO ${table} (tenant_id, event_id, occurred_at, received_at, gateway, gateway_format, method,
          server_name, tool, session_id, user_id, user_id_kind, arguments, arguments_bytes, arguments_truncated,
          result, result_bytes, result_truncated, status, duration_ms, retention_until, source_partition, source_offset)
        SELECT {tenant:String}, concat('evt-', leftPad(toString(number), 9, '0')),
          fromUnixTimestamp64Milli(toInt64({start_ms:UInt64} + intDiv(number * {span_ms:UInt64}, {rows:UInt64})), 'UTC') AS at,
          at, 'gw-1', 'generic', 'tools/call',
          ['github', 'filesystem', 'slack'][number % 3 + 1], ['create_issue', 'read_file', 'post_message'][number % 3 + 1],
          concat('s-', toString(intDiv(number, 20))), concat('u-', toString(number % 500)), 'pseudonym',
          concat('{"path":"/home/u', toString(number % 500), '/notes-', toString(number), '.txt"}'), 40, false,
          '{"content":[{"type":"text","text":"ok"}]}', 40, false,
          if(number % 10 = 0, 'error', 'success'), number % 200, toDate('2028-12-01'),
          number % {partitions:UInt16}, intDiv(number, {partitions:UInt16})
        FROM numbers({first:UInt64}, {count:UInt64})`,
      query_params: {
        tenant: spec.tenant,
        start_ms: spec.fromMs,
        span_ms: spec.spanMs,
        rows,
        partitions,
        first: start,
        count,
      },
      // The embedded session keeps the previous insert's deduplication token: each chunk names its own.
      clickhouse_settings: { insert_deduplication_token: randomUUID() },
    })
  }
}

/** The next offset after the last row of each partition: where a reader of all the rows stops. */
export function endOffsets(rows: number, partitions: number): Map<number, number> {
  return new Map(
    Array.from({ length: partitions }, (_, partition) => [
      partition,
      Math.ceil((rows - partition) / partitions),
    ]),
  )
}
