import type { Logger } from '../platform/logger.js'
import { sliceBatch, type Batch } from './writer-batch.js'

/**
 * Rows ClickHouse refuses for good. One bad value makes the store refuse the whole insert, so the
 * writer narrows a refusal down by halving the batch: the good rows are stored and only the
 * refused ones are dead-lettered, each with the message it came from. Apart from the writer
 * because which errors count as refusals, and the search, are a policy of their own.
 */

/** A row the store refused for good, with the origin it was added with and the store's error. */
export interface RejectedRow<Row, Origin> {
  row: Row
  origin: Origin
  reason: string
}

/**
 * ClickHouse error codes that say a row's values are bad: retrying the same rows cannot help, so
 * they are isolated and dead-lettered. Everything else (network, timeouts, too many parts, a
 * missing table or column during a deploy) is retried: the data waits in Kafka, uncommitted.
 */
const ROW_DATA_ERROR_CODES = new Set([6, 26, 27, 38, 41, 53, 69, 70, 72, 117, 131])

/** The server's numeric error code, from the HTTP client, the embedded engine, or the message. */
export function clickhouseErrorCode(err: unknown): number | undefined {
  const candidate = err as { code?: unknown; clickhouseCode?: unknown; message?: unknown } | null
  for (const value of [candidate?.clickhouseCode, candidate?.code]) {
    if (typeof value === 'number' && Number.isInteger(value)) return value
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  }
  const match = /Code: (\d+)\./.exec(typeof candidate?.message === 'string' ? candidate.message : '')
  return match ? Number(match[1]) : undefined
}

export function isRetryableInsertError(err: unknown): boolean {
  const code = clickhouseErrorCode(err)
  return code === undefined || !ROW_DATA_ERROR_CODES.has(code)
}

export interface RefusalSearch<Row, Origin> {
  /** The writer's insert with its retries, for each half (which may be halved again). */
  insert: (batch: Batch<Row, Origin>, token: string) => Promise<void>
  /** Collects the refused rows; without it there is nowhere to put them and the refusal is thrown. */
  rejected: Array<RejectedRow<Row, Origin>> | undefined
  logger: Logger
  table: string
}

/**
 * After the store refused `batch` with `err`: one row (or no way to dead-letter) is refused as it
 * stands; more are split in two halves inserted one after the other, each under its own
 * deduplication token derived from the batch's.
 */
export async function searchRefusedRows<Row, Origin>(
  batch: Batch<Row, Origin>,
  token: string,
  err: unknown,
  search: RefusalSearch<Row, Origin>,
): Promise<void> {
  const { rows, origins } = batch
  const { rejected, logger, table } = search
  if (rows.length === 1 || !rejected) {
    logger.error({ err, table, rows: rows.length }, 'clickhouse_insert_rejected')
    if (!rejected) throw err
    const reason = (err as Error).message
    rows.forEach((row, index) => rejected.push({ row, origin: origins[index]!, reason }))
    return
  }
  const half = Math.ceil(rows.length / 2)
  await search.insert(sliceBatch(batch, 0, half), `${token}:a${half}`)
  await search.insert(sliceBatch(batch, half), `${token}:b${half}`)
}
