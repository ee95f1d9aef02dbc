import type { Alert } from '../../../schemas/alert.js'
import { toIso } from './common.js'

/** Standard Webhooks 1.0.0 body of an alert: `alert.fired` with the alert as data (signing.ts signs it). */

export function renderStandard(alert: Alert): unknown {
  return { type: 'alert.fired', timestamp: toIso(alert.created_at), data: alert }
}
