import type { AlertRow } from '../../../schemas/alert.js'
import type { Store } from '../clickhouse.js'
import { defineTable } from './table.js'

/**
 * `alerts` (schemas/clickhouse/0003_alerts.sql): one incident per `alert_id`. The detector records
 * incidents and the console changes their status; both write through this module, each change a
 * new row version whose `updated_at` comes from `nextVersion` (version.ts). Reads use FINAL.
 */
export const ALERTS = 'alerts'

export const alertsTable = defineTable<AlertRow>(ALERTS)

/** One incident of one tenant. */
export interface AlertRef {
  tenantId: string
  alertId: string
}

export type AlertTriage = Pick<AlertRow, 'status' | 'updated_by'>

/**
 * Ids travel as query parameters in the request URL of a ClickHouse server: a thousand 32-character
 * ids stay far below its URL limit (1 MiB) while a stream batch or a catch-up range still takes one
 * query in the usual case.
 */
const REFS_PER_QUERY = 1_000

/** The current version of each of these incidents that exists, by alert id; `columns` is a constant list. */
async function selectAlerts<T extends Pick<AlertRow, 'tenant_id' | 'alert_id'>>(
  store: Pick<Store, 'client' | 'database'>,
  columns: string,
  refs: readonly AlertRef[],
): Promise<Map<string, T>> {
  const found = new Map<string, T>()
  for (let start = 0; start < refs.length; start += REFS_PER_QUERY) {
    const chunk = refs.slice(start, start + REFS_PER_QUERY)
    // Tenants and ids are matched separately (the primary key reads both); the pairs asked for are kept.
    const wanted = new Set(chunk.map((ref) => `${ref.tenantId}\u0000${ref.alertId}`))
    const result = await store.client.query({
      query: `SELECT ${columns} FROM ${alertsTable(store).name} FINAL
        WHERE tenant_id IN {tenants:Array(String)} AND alert_id IN {ids:Array(String)}`,
      query_params: {
        tenants: [...new Set(chunk.map((ref) => ref.tenantId))],
        ids: chunk.map((ref) => ref.alertId),
      },
      format: 'JSONEachRow',
    })
    for (const row of await result.json<T>()) {
      if (wanted.has(`${row.tenant_id}\u0000${row.alert_id}`)) found.set(row.alert_id, row)
    }
  }
  return found
}

/** The current version of each of these incidents that exists, by alert id; `count` (UInt64, text in JSON) as a number. */
export async function findAlerts(
  store: Pick<Store, 'client' | 'database'>,
  refs: readonly AlertRef[],
): Promise<Map<string, AlertRow>> {
  const rows = await selectAlerts<AlertRow>(store, '*', refs)
  for (const row of rows.values()) row.count = Number(row.count)
  return rows
}

/** The current version of one incident. */
export async function findAlert(
  store: Pick<Store, 'client' | 'database'>,
  tenantId: string,
  alertId: string,
): Promise<AlertRow | undefined> {
  return (await findAlerts(store, [{ tenantId, alertId }])).get(alertId)
}

/** Who last triaged each of these incidents, and to what status (the console may change it at any time). */
export async function findAlertTriages(
  store: Pick<Store, 'client' | 'database'>,
  refs: readonly AlertRef[],
): Promise<Map<string, AlertTriage>> {
  return selectAlerts<AlertTriage & Pick<AlertRow, 'tenant_id' | 'alert_id'>>(
    store,
    'tenant_id, alert_id, status, updated_by',
    refs,
  )
}
