import type { ReceiptRow } from '../../../schemas/audit-row.js'
import { defineTable } from './table.js'

/**
 * `ingest_receipts` (schemas/clickhouse/0002_ingest_receipts.sql): what the collector acknowledged,
 * written by the normalizer's receipts writer. ReplacingMergeTree on `ingested_at`.
 */
export const INGEST_RECEIPTS = 'ingest_receipts'

export const ingestReceiptsTable = defineTable<ReceiptRow>(INGEST_RECEIPTS)
