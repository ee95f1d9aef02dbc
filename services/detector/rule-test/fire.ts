import type { AuditRow } from '../../../schemas/audit-row.js'
import type { Rule } from '../../../schemas/rules.js'
import { matchGroup } from '../match-group.js'
import { compileMatchRule } from '../rules/match.js'
import { evaluateWindow, type WindowCandidate } from '../windowed/evaluate.js'
import { isWindowedRule, type Window, type WindowedRule } from '../windowed/windows.js'
import type { Sandbox } from './sandbox.js'

/** The tenant every rule test's events belong to. */
export const TEST_TENANT = 'test'

/** A group a rule fired for (match hits are grouped by the rule's suppress.group_by). */
export type FiredGroup = WindowCandidate & { window?: { from: string; to: string } }

/** A match rule's hits, grouped like its alerts would be (by the stream's own grouping). */
export function matchHits(rule: Rule, rows: readonly AuditRow[]): FiredGroup[] {
  const test = compileMatchRule({ ...rule, enabled: true })
  const groups = new Map<string, FiredGroup>()
  for (const row of rows) {
    if (!test(row)) continue
    const group = matchGroup(rule, row)
    const key = JSON.stringify([row.tenant_id, group])
    const hit = groups.get(key)
    if (!hit) {
      groups.set(key, {
        tenant_id: row.tenant_id,
        group,
        count: 1,
        value: null,
        first_seen: row.occurred_at,
        last_seen: row.occurred_at,
        sample_event_ids: [row.event_id],
      })
      continue
    }
    hit.count += 1
    if (row.occurred_at < hit.first_seen) hit.first_seen = row.occurred_at
    if (row.occurred_at > hit.last_seen) hit.last_seen = row.occurred_at
    if (hit.sample_event_ids.length < 10) hit.sample_event_ids.push(row.event_id)
  }
  return [...groups.values()]
}

/** The window a rule test evaluates a windowed rule in (see run.ts). */
export function testWindow(rule: WindowedRule, now: Date): Window {
  let seconds: number
  if ('threshold' in rule) seconds = rule.threshold.window
  else if ('new_term' in rule) seconds = rule.new_term.window
  else if ('sequence' in rule) seconds = rule.sequence.maxspan
  else seconds = rule.absence.history
  return { from: new Date(now.getTime() - seconds * 1000), to: now }
}

/** What `rule` fires for: match rules over `rows`, windowed rules as SQL over the sandbox in `window`. */
export async function fire(
  sandbox: Sandbox,
  rule: Rule,
  rows: readonly AuditRow[],
  window?: Window,
): Promise<FiredGroup[]> {
  if (!isWindowedRule(rule)) return matchHits(rule, rows)
  if (!window) throw new Error(`rule ${rule.id}: a windowed rule needs a window`)
  const span = { from: window.from.toISOString(), to: window.to.toISOString() }
  const found = await evaluateWindow(sandbox.store, { ...rule, enabled: true }, window, TEST_TENANT)
  return found.map((candidate) => ({ ...candidate, window: span }))
}

export function describeGroup(fired: FiredGroup): string {
  const group = Object.entries(fired.group)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')
  const value = fired.value === null ? '' : `, value ${Number(fired.value.toFixed(4))}`
  return `${group || '(all)'}: ${fired.count} event(s)${value}, ${fired.first_seen} … ${fired.last_seen}`
}
