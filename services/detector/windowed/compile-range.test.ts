import { describe, expect, it } from 'vitest'
import { Rule } from '../../../schemas/rules.js'
import { compileWindowedRange } from './compile-range.js'
import { RuleCompileError } from './sql.js'
import { isWindowedRule, type Window, type WindowedRule } from './windows.js'

const MINUTE = 60_000
const T = Date.parse('2026-11-24T10:00:00.000Z')
const window = (from: number, to: number): Window => ({ from: new Date(from), to: new Date(to) })
const steps = [
  { name: 'read', where: { field: 'tool', equals: 'read_file' } },
  { name: 'send', where: { field: 'tool', equals: 'send_email' } },
]
const SPECS: Record<string, Record<string, unknown>> = {
  threshold: {
    threshold: {
      where: { field: 'server_name', equals: 'secret-server' },
      group_by: ['tenant_id', 'server_name'],
      window: '1m',
      aggregate: { type: 'count' },
      op: 'gt',
      value: 5,
    },
  },
  new_term: { new_term: { fields: ['client_name'], history: '14d', window: '1m', learning: '1d' } },
  sequence: { sequence: { by: ['tenant_id', 'session_id'], maxspan: '10m', steps } },
  absence: { absence: { group_by: ['tenant_id', 'gateway'], window: '15m', history: '1d' } },
  seasonal: {
    absence: { group_by: ['gateway'], window: '30m', history: '25h', compare_to: '1d', min_expected: 20 },
  },
}

function rule(spec: Record<string, unknown>): WindowedRule {
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

/** Three one-minute buckets, the first shortened (a watermark 20 s into a minute). */
const WINDOWS = [
  window(T + 20_000, T + MINUTE),
  window(T + MINUTE, T + 2 * MINUTE),
  window(T + 2 * MINUTE, T + 3 * MINUTE),
]

describe('compileWindowedRange', () => {
  for (const [kind, spec] of Object.entries(SPECS)) {
    it(`${kind}: one query for all buckets, labelled by bucket, every value a parameter`, () => {
      const { sql, params } = compileWindowedRange(rule(spec), {
        database: 'mcp_audit',
        tenantId: 'acme',
        windows: WINDOWS,
      })
      expect(sql).toContain('FROM mcp_audit.audit_events FINAL')
      expect(sql).toMatch(/ORDER BY (grid\.|c\.)?window_from/)
      expect(sql).not.toMatch(/acme|svc-known|2026|read_file|secret-server|1764/)
      expect(Object.values(params)).toEqual(expect.arrayContaining(['acme', 'svc-known']))
      for (const column of [
        'window_from',
        '`group`',
        'count',
        'first_seen',
        'last_seen',
        'sample_event_ids',
      ]) {
        expect(sql).toContain(column)
      }
    })
  }

  it('refuses buckets that are not consecutive buckets of the rule’s step', () => {
    const threshold = rule(SPECS.threshold!)
    const compile = (windows: Window[]) => () => compileWindowedRange(threshold, { database: 'db', windows })
    expect(compile([])).toThrow(RuleCompileError)
    expect(compile([WINDOWS[0]!, WINDOWS[2]!])).toThrow(/not the next 60 s bucket/)
    expect(compile([window(T, T + 2 * MINUTE)])).toThrow(/not the next 60 s bucket/)
    expect(compile([window(T + 1, T + MINUTE + 1)])).toThrow(/not the next 60 s bucket/)
    expect(compile([WINDOWS[0]!, window(T + MINUTE + 5, T + 2 * MINUTE)])).toThrow(RuleCompileError)
    expect(compile(WINDOWS)).not.toThrow()
  })
})
