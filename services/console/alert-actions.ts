import type { AlertRow, AlertStatus } from '../../schemas/alert.js'
import type { Store } from '../platform/clickhouse.js'
import { isoTime } from './params.js'
import { presentAlert, READ_SETTINGS } from './queries.js'

export type AlertAction = 'acknowledge' | 'resolve'

const TARGET: Record<AlertAction, AlertStatus> = { acknowledge: 'acknowledged', resolve: 'resolved' }

export type TransitionOutcome =
  | { kind: 'ok'; alert: Record<string, unknown> }
  | { kind: 'not_found' }
  | { kind: 'conflict'; message: string }

/** Whether an alert in `from` may take `action`; repeating an action is allowed and changes nothing. */
export function transitionAllowed(from: AlertStatus, action: AlertAction): boolean | 'same' {
  if (from === TARGET[action]) return 'same'
  if (action === 'acknowledge') return from === 'open'
  return true
}

/**
 * Acknowledge or resolve: a newer version of the alert row (ReplacingMergeTree on updated_at) with
 * the new status and who changed it. The version is strictly newer than the one it replaces, even
 * when clocks disagree, so the change cannot lose against the row it was based on.
 */
export async function changeAlertStatus(
  store: Store,
  tenantId: string,
  alertId: string,
  action: AlertAction,
  actor: string,
): Promise<TransitionOutcome> {
  const table = `${store.database}.alerts`
  const result = await store.client.query({
    query: `SELECT * FROM ${table} FINAL WHERE tenant_id = {tenant:String} AND alert_id = {id:String} LIMIT 1`,
    query_params: { tenant: tenantId, id: alertId },
    format: 'JSONEachRow',
    clickhouse_settings: READ_SETTINGS,
  })
  const [current] = await result.json<AlertRow>()
  if (!current) return { kind: 'not_found' }
  const allowed = transitionAllowed(current.status, action)
  if (allowed === 'same') return { kind: 'ok', alert: presentAlert({ ...current }) }
  if (!allowed) {
    return {
      kind: 'conflict',
      message: `alert ${alertId} is ${current.status}; it cannot be ${TARGET[action]}`,
    }
  }
  const previous = Date.parse(isoTime(String(current.updated_at)))
  const updatedAt = new Date(Number.isNaN(previous) ? Date.now() : Math.max(Date.now(), previous + 1))
  const next: AlertRow = {
    ...current,
    count: Number(current.count),
    status: TARGET[action],
    updated_at: updatedAt.toISOString(),
    updated_by: actor,
  }
  await store.client.insert({ table, values: [next], format: 'JSONEachRow' })
  return { kind: 'ok', alert: presentAlert({ ...next, updated_at: next.updated_at }) }
}
