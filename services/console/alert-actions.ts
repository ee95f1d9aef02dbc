import type { AlertRow, AlertStatus } from '../../schemas/alert.js'
import type { Store } from '../platform/clickhouse.js'
import { alertsTable, findAlert } from '../platform/store/alerts.js'
import { nextVersion } from '../platform/store/version.js'
import { presentAlert } from './queries.js'

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
 * Acknowledge or resolve: a newer version of the alert row (ReplacingMergeTree on updated_at, see
 * nextVersion) with the new status and who changed it.
 */
export async function changeAlertStatus(
  store: Store,
  tenantId: string,
  alertId: string,
  action: AlertAction,
  actor: string,
): Promise<TransitionOutcome> {
  const current = await findAlert(store, tenantId, alertId)
  if (!current) return { kind: 'not_found' }
  const allowed = transitionAllowed(current.status, action)
  if (allowed === 'same') return { kind: 'ok', alert: presentAlert({ ...current }) }
  if (!allowed) {
    return {
      kind: 'conflict',
      message: `alert ${alertId} is ${current.status}; it cannot be ${TARGET[action]}`,
    }
  }
  const next: AlertRow = {
    ...current,
    status: TARGET[action],
    updated_at: nextVersion(current.updated_at).toISOString(),
    updated_by: actor,
  }
  await alertsTable(store).insert([next])
  return { kind: 'ok', alert: presentAlert({ ...next, updated_at: next.updated_at }) }
}
