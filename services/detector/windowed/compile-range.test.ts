import { describe, expect, it } from 'vitest'
import { compileWindowedRange } from './compile-range.js'
import { ABSENCE_SPEC, SEQUENCE_SPEC, windowedRule } from './fixtures.js'
import { RuleCompileError } from './sql.js'
import type { Window } from './windows.js'

const MINUTE = 60_000
const T = Date.parse('2026-11-24T10:00:00.000Z')
const window = (from: number, to: number): Window => ({ from: new Date(from), to: new Date(to) })
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
  sequence: SEQUENCE_SPEC,
  absence: ABSENCE_SPEC,
  seasonal: {
    absence: { group_by: ['gateway'], window: '30m', history: '25h', compare_to: '1d', min_expected: 20 },
  },
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
      const { sql, params } = compileWindowedRange(windowedRule(spec), {
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
    const threshold = windowedRule(SPECS.threshold!)
    const compile = (windows: Window[]) => () => compileWindowedRange(threshold, { database: 'db', windows })
    expect(compile([])).toThrow(RuleCompileError)
    expect(compile([WINDOWS[0]!, WINDOWS[2]!])).toThrow(/not the next 60 s bucket/)
    expect(compile([window(T, T + 2 * MINUTE)])).toThrow(/not the next 60 s bucket/)
    expect(compile([window(T + 1, T + MINUTE + 1)])).toThrow(/not the next 60 s bucket/)
    expect(compile([WINDOWS[0]!, window(T + MINUTE + 5, T + 2 * MINUTE)])).toThrow(RuleCompileError)
    expect(compile(WINDOWS)).not.toThrow()
  })
})
