import type { ReportRow } from '../../../schemas/report.js'
import { defineTable } from './table.js'

/**
 * `reports` (schemas/clickhouse/0004_reports.sql): one row per generated (or failed) report,
 * written once by the reporter. ReplacingMergeTree on `created_at` keeps one row if a write is
 * retried; reads use FINAL. Times are DateTime64 text (time.ts), `files` is JSON.
 */
export const REPORTS = 'reports'

export const reportRowsTable = defineTable<ReportRow>(REPORTS)
