import { z } from 'zod'
import { Severity } from './rules.js'

/**
 * An alert: one incident of one rule for one group. The same content goes to the `alerts` table,
 * the console and every webhook format. It carries pseudonymized and redacted values only.
 */
export const AlertStatus = z.enum(['open', 'acknowledged', 'resolved'])
export type AlertStatus = z.infer<typeof AlertStatus>

export const Alert = z.object({
  /** Stable for the incident: hash of tenant, rule, group and suppression bucket. */
  alert_id: z.string(),
  tenant_id: z.string(),
  rule: z.object({
    id: z.string(),
    title: z.string(),
    severity: Severity,
    tags: z.array(z.string()),
    kind: z.enum(['match', 'threshold', 'new_term', 'sequence', 'absence']),
  }),
  /** The values of the group-by fields the alert fired for (e.g. server_name, session_id). */
  group: z.record(z.string(), z.string()),
  /** Events (or the measured value, for windowed rules) behind the alert. */
  count: z.number().int().nonnegative(),
  /** The aggregate that crossed the threshold, when there is one (an error rate, a p95). */
  value: z.number().nullable(),
  first_seen: z.string(),
  last_seen: z.string(),
  sample_event_ids: z.array(z.string()).max(20),
  summary: z.string(),
  status: AlertStatus,
  created_at: z.string(),
  /** Link to the alert in the console. */
  url: z.string(),
})
export type Alert = z.infer<typeof Alert>

/** The row of `alerts` (group and rule flattened for ClickHouse). */
export interface AlertRow {
  alert_id: string
  tenant_id: string
  rule_id: string
  rule_title: string
  rule_kind: string
  severity: string
  tags: string[]
  group_key: string
  group_values: Record<string, string>
  count: number
  value: number | null
  first_seen: string
  last_seen: string
  sample_event_ids: string[]
  summary: string
  status: AlertStatus
  created_at: string
  updated_at: string
  updated_by: string
}
