import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { MatchRule } from '../../../schemas/rules.js'
import { auditRow } from '../../../test/helpers/audit-row.js'
import { createLogger } from '../../platform/logger.js'
import type { AlertCandidate } from '../incidents.js'
import { createStreamDetector } from '../stream.js'
import { matchHits } from './fire.js'

const row = (eventId: string, roles: string[]): AuditRow =>
  auditRow({
    event_id: eventId,
    gateway: 'gw',
    user_id: 'u:3f2a',
    user_roles: roles,
    attributes: { team: 'payments' },
  })

/** The groups the stream would raise alerts for, captured at the alert store. */
async function streamGroups(rule: MatchRule, rows: AuditRow[]): Promise<Array<Record<string, string>>> {
  const candidates: AlertCandidate[] = []
  const alerts = { record: (found: readonly AlertCandidate[]) => Promise.resolve(candidates.push(...found)) }
  await createStreamDetector([rule], alerts, createLogger({ level: 'silent' })).inspect(rows)
  return candidates.map((candidate) => candidate.group)
}

describe('rule tests group match hits as the stream does', () => {
  // `user_roles` is an array: joined with commas, ["a,b"] and ["a", "b"] would fall into one group.
  const rule = MatchRule.parse({
    id: 'any-read',
    title: 'Any read',
    severity: 'low',
    match: { field: 'tool', equals: 'read_file' },
    suppress: { group_by: ['user_roles', 'attributes.team'], duration: '1h' },
  })
  const rows = [row('e1', ['dev', 'ops']), row('e2', ['dev,ops']), row('e3', ['dev', 'ops'])]

  it('an array-valued field', async () => {
    const tested = matchHits(rule, rows)
    expect(tested.map((hit) => hit.group)).toEqual([
      { user_roles: '["dev","ops"]', 'attributes.team': 'payments' },
      { user_roles: '["dev,ops"]', 'attributes.team': 'payments' },
    ])
    expect(tested.map((hit) => hit.count)).toEqual([2, 1])
    const streamed = await streamGroups(rule, rows)
    expect(new Set(streamed.map((group) => JSON.stringify(group)))).toEqual(
      new Set(tested.map((hit) => JSON.stringify(hit.group))),
    )
  })

  it('the default group, when the rule names none', async () => {
    const plain = MatchRule.parse({ ...rule, suppress: undefined })
    const [hit] = matchHits(plain, rows)
    expect(hit!.group).toEqual({ server_name: 'filesystem', tool: 'read_file', user_id: 'u:3f2a' })
    expect(await streamGroups(plain, rows.slice(0, 1))).toEqual([hit!.group])
  })
})
