import type { AuditRow } from '../../schemas/audit-row.js'
import type { Rule } from '../../schemas/rules.js'

/** Fields that make one incident of a match rule when the rule does not say (`suppress.group_by`). */
const DEFAULT_MATCH_GROUP = ['server_name', 'tool', 'user_id'] as const

/**
 * The group a match rule's hit on `row` belongs to: the value of each `suppress.group_by` field
 * (`attributes.<key>` reads one attribute), strings as stored and anything else as JSON, so an
 * array such as `user_roles` groups by its whole value. The stream and rule tests share it, so a
 * rule test groups hits exactly as production's alerts do.
 */
export function matchGroup(rule: Rule, row: AuditRow): Record<string, string> {
  const fields = rule.suppress?.group_by ?? DEFAULT_MATCH_GROUP
  const record = row as unknown as Record<string, unknown>
  return Object.fromEntries(
    fields.map((field) => {
      const [column, key] = field.split('.', 2)
      const value =
        key !== undefined ? (record[column!] as Record<string, unknown> | undefined)?.[key] : record[field]
      const text =
        typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value)
      return [field, text]
    }),
  )
}
