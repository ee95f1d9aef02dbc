import { Rule } from '../../../schemas/rules.js'
import { isWindowedRule, type WindowedRule } from './windows.js'

/**
 * Test support for the windowed compilers (compile.test.ts, compile-range.test.ts): the specs both
 * use as they are, and a rule parsed from a spec as rule files are, with an exception to bind.
 */

export const SEQUENCE_SPEC = {
  sequence: {
    by: ['tenant_id', 'session_id'],
    maxspan: '10m',
    steps: [
      { name: 'read', where: { field: 'tool', equals: 'read_file' } },
      { name: 'send', where: { field: 'tool', equals: 'send_email' } },
    ],
  },
}

export const ABSENCE_SPEC = { absence: { group_by: ['tenant_id', 'gateway'], window: '15m', history: '1d' } }

export function windowedRule(spec: Record<string, unknown>): WindowedRule {
  const parsed = Rule.parse({
    id: 'rule-1',
    title: 'rule one',
    severity: 'low',
    exceptions: [{ field: 'user_id', equals: 'svc-known' }],
    ...spec,
  })
  if (!isWindowedRule(parsed)) throw new Error('expected a windowed rule')
  return parsed
}
