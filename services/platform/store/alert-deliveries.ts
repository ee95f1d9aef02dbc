import { defineTable } from './table.js'
import { clickhouseTime } from './time.js'

/**
 * `alert_deliveries` (schemas/clickhouse/0003_alerts.sql, 0005): the webhook outbox, one logical
 * row per (message, webhook), ReplacingMergeTree on `updated_at`, partitioned by `created_at`. Every change
 * inserts a new version with `updated_at` from `nextVersion` (version.ts) and the same `created_at`
 * (versions only replace each other inside one partition); reads use FINAL.
 */
export const ALERT_DELIVERIES = 'alert_deliveries'

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'disabled'

export interface DeliveryRow {
  delivery_id: string
  /** The message's subject: the alert, or for `report.ready` the report (the column predates reports). */
  alert_id: string
  message_type: string
  tenant_id: string
  webhook: string
  format: string
  status: DeliveryStatus
  attempts: number
  next_attempt_at: Date
  last_status_code: number | null
  last_error: string
  /** The message's data as JSON (see the outbox for why the data, not the rendered body). */
  payload: string
  created_at: Date
  updated_at: Date
}

export const alertDeliveriesTable = defineTable<DeliveryRow>(ALERT_DELIVERIES, (row) => ({
  ...row,
  next_attempt_at: clickhouseTime(row.next_attempt_at),
  created_at: clickhouseTime(row.created_at),
  updated_at: clickhouseTime(row.updated_at),
}))
