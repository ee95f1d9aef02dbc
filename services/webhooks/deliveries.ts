import type { Store } from '../platform/clickhouse.js'
import {
  alertDeliveriesTable,
  type DeliveryRow,
  type DeliveryStatus,
} from '../platform/store/alert-deliveries.js'
import type { MessageType } from './messages.js'

/**
 * The outbox's reads and writes of `alert_deliveries` (services/platform/store/alert-deliveries.ts
 * has the row and its versions). Reads use FINAL.
 */

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

/** A row as the store returns it: numbers may come as text, times as epoch milliseconds. */
type StoredRow = Omit<
  DeliveryRow,
  'attempts' | 'last_status_code' | 'next_attempt_at' | 'created_at' | 'updated_at'
> & {
  attempts: number | string
  last_status_code: number | string | null
  next_attempt_ms: number | string
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
  const deliveries = alertDeliveriesTable(store)
  const table = deliveries.name
  const { client } = store

  async function select<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const result = await client.query({ query, query_params: params, format: 'JSONEachRow' })
    return result.json<T>()
  }

  return {
    async insert(rows) {
      await deliveries.insert(rows)
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
