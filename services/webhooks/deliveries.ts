import type { Store } from '../platform/clickhouse.js'
import type { MessageType } from './messages.js'

/**
 * The `alert_deliveries` table (schemas/clickhouse/0003_alerts.sql, 0005): one logical row per
 * (message, webhook), ReplacingMergeTree on `updated_at`, partitioned by `created_at`. Every change
 * inserts a new version with a strictly greater `updated_at` and the same `created_at` (versions
 * only replace each other inside one partition); reads use FINAL.
 */

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
  /** The message's data as JSON (see outbox.ts for why the data, not the rendered body). */
  payload: string
  created_at: Date
  updated_at: Date
}

export interface DeliveriesTable {
  insert(rows: readonly DeliveryRow[]): Promise<void>
  /** Current status of each of these deliveries that exists. */
  statuses(deliveryIds: readonly string[]): Promise<Map<string, DeliveryStatus>>
  /**
   * Pending deliveries of these message types whose next attempt is due at `now`, oldest first,
   * except those of `skipWebhooks`.
   */
  due(
    now: Date,
    limit: number,
    types: readonly MessageType[],
    skipWebhooks?: readonly string[],
  ): Promise<DeliveryRow[]>
  countPending(): Promise<number>
}

/** `YYYY-MM-DD hh:mm:ss.sss`, read by ClickHouse as UTC for a DateTime64(3, 'UTC') column. */
function chTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '')
}

interface StoredRow {
  delivery_id: string
  alert_id: string
  message_type: string
  tenant_id: string
  webhook: string
  format: string
  status: DeliveryStatus
  attempts: number | string
  next_attempt_ms: number | string
  last_status_code: number | string | null
  last_error: string
  payload: string
  created_ms: number | string
  updated_ms: number | string
}

const COLUMNS = `delivery_id, alert_id, message_type, tenant_id, webhook, format, status, attempts,
  toUnixTimestamp64Milli(next_attempt_at) AS next_attempt_ms, last_status_code, last_error, payload,
  toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(updated_at) AS updated_ms`

function fromStored(row: StoredRow): DeliveryRow {
  return {
    delivery_id: row.delivery_id,
    alert_id: row.alert_id,
    message_type: row.message_type,
    tenant_id: row.tenant_id,
    webhook: row.webhook,
    format: row.format,
    status: row.status,
    attempts: Number(row.attempts),
    next_attempt_at: new Date(Number(row.next_attempt_ms)),
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    last_error: row.last_error,
    payload: row.payload,
    created_at: new Date(Number(row.created_ms)),
    updated_at: new Date(Number(row.updated_ms)),
  }
}

export function deliveriesTable(store: Store): DeliveriesTable {
  const table = `${store.database}.alert_deliveries`
  const { client } = store

  async function select<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const result = await client.query({ query, query_params: params, format: 'JSONEachRow' })
    return result.json<T>()
  }

  return {
    async insert(rows) {
      if (rows.length === 0) return
      await client.insert({
        table,
        format: 'JSONEachRow',
        values: rows.map((row) => ({
          ...row,
          next_attempt_at: chTime(row.next_attempt_at),
          created_at: chTime(row.created_at),
          updated_at: chTime(row.updated_at),
        })),
      })
    },

    async statuses(deliveryIds) {
      if (deliveryIds.length === 0) return new Map()
      const rows = await select<{ delivery_id: string; status: DeliveryStatus }>(
        `SELECT delivery_id, status FROM ${table} FINAL WHERE delivery_id IN {ids:Array(String)}`,
        { ids: deliveryIds },
      )
      return new Map(rows.map((row) => [row.delivery_id, row.status]))
    },

    async due(now, limit, types, skipWebhooks = []) {
      const rows = await select<StoredRow>(
        `SELECT ${COLUMNS} FROM ${table} FINAL
         WHERE status = 'pending' AND next_attempt_at <= fromUnixTimestamp64Milli({now_ms:Int64}, 'UTC')
           AND message_type IN {types:Array(String)} AND webhook NOT IN {skip:Array(String)}
         ORDER BY next_attempt_at LIMIT {limit:UInt32}`,
        { now_ms: now.getTime(), limit, types, skip: skipWebhooks },
      )
      return rows.map(fromStored)
    },

    async countPending() {
      const [row] = await select<{ n: number | string }>(
        `SELECT count() AS n FROM ${table} FINAL WHERE status = 'pending'`,
        {},
      )
      return Number(row?.n ?? 0)
    },
  }
}
