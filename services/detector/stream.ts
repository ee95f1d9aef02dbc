import type { AuditRow } from '../../schemas/audit-row.js'
import type { Rule } from '../../schemas/rules.js'
import type { Logger } from '../platform/logger.js'
import type { AlertStore } from './alerts.js'
import type { AlertCandidate } from './incidents.js'
import { matchGroup } from './match-group.js'
import { compileMatchRule } from './rules/match.js'

export interface StreamDetector {
  /** Evaluates every enabled match rule on stored rows; returns the number of new incidents. */
  inspect: (rows: readonly AuditRow[]) => Promise<number>
  ruleCount: number
}

/**
 * Single-event rules evaluated in the normalizer's stream, right after the rows are stored, so an
 * alert follows the event within the writer's flush interval. `builtIn` adds the candidates of the
 * built-in rules that need more than a row to judge it (privilege-rules.ts: the tenant's rbac map).
 */
export function createStreamDetector(
  rules: readonly Rule[],
  alerts: AlertStore,
  logger: Logger,
  builtIn: (rows: readonly AuditRow[]) => AlertCandidate[] = () => [],
): StreamDetector {
  const compiled = rules
    .filter((rule) => 'match' in rule && rule.enabled)
    .map((rule) => ({ rule, test: compileMatchRule(rule) }))
  return {
    ruleCount: compiled.length,
    async inspect(rows) {
      if (rows.length === 0) return 0
      const candidates: AlertCandidate[] = builtIn(rows)
      for (const row of rows) {
        for (const { rule, test } of compiled) {
          let hit = false
          try {
            hit = test(row)
          } catch (err) {
            logger.warn({ err, rule_id: rule.id }, 'rule_evaluation_failed')
          }
          if (!hit) continue
          const at = new Date(row.occurred_at)
          candidates.push({
            rule,
            tenantId: row.tenant_id,
            group: matchGroup(rule, row),
            count: 1,
            value: null,
            firstSeen: at,
            lastSeen: at,
            sampleEventIds: [row.event_id],
          })
        }
      }
      return candidates.length > 0 ? alerts.record(candidates) : 0
    },
  }
}
