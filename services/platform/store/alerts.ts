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

/** The current version of one incident; `count` (UInt64, text in JSON) as a number. */
export async function findAlert(
  store: Pick<Store, 'client' | 'database'>,
  tenantId: string,
  alertId: string,
): Promise<AlertRow | undefined> {
  const result = await store.client.query({
    query: `SELECT * FROM ${alertsTable(store).name} FINAL WHERE tenant_id = {tenant:String} AND alert_id = {id:String} LIMIT 1`,
    query_params: { tenant: tenantId, id: alertId },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<AlertRow>()
  return row ? { ...row, count: Number(row.count) } : undefined
}

/** Who last triaged an incident, and to what status (the console may change it at any time). */
export async function findAlertTriage(
  store: Pick<Store, 'client' | 'database'>,
  tenantId: string,
  alertId: string,
): Promise<Pick<AlertRow, 'status' | 'updated_by'> | undefined> {
  const result = await store.client.query({
    query: `SELECT status, updated_by FROM ${alertsTable(store).name} FINAL WHERE tenant_id = {tenant:String} AND alert_id = {id:String} LIMIT 1`,
    query_params: { tenant: tenantId, id: alertId },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<Pick<AlertRow, 'status' | 'updated_by'>>()
  return row
}
