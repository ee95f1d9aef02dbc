import { describe, expect, it } from 'vitest'
import { compileWindowedRule } from './compile.js'
import { ABSENCE_SPEC, SEQUENCE_SPEC, windowedRule } from './fixtures.js'
import { RuleCompileError } from './sql.js'

const from = new Date('2026-11-24T10:00:00.000Z')
const to = new Date('2026-11-24T10:05:00.000Z')
const SPECS: Record<string, Record<string, unknown>> = {
  threshold: {
    threshold: {
      where: { field: 'server_name', equals: 'secret-server' },
      group_by: ['tenant_id', 'server_name'],
      window: '5m',
      aggregate: { type: 'ratio', numerator: { field: 'status', equals: 'error' } },
      op: 'gt',
      value: 0.05,
      min_count: 20,
    },
  },
  new_term: { new_term: { fields: ['client_name'], history: '14d', window: '5m' } },
  sequence: SEQUENCE_SPEC,
  absence: ABSENCE_SPEC,
}

describe('compileWindowedRule', () => {
  for (const [kind, spec] of Object.entries(SPECS)) {
    it(`${kind}: reads deduplicated events, binds times, tenant, values and exceptions as parameters`, () => {
      const { sql, params } = compileWindowedRule(windowedRule(spec), {
        database: 'mcp_audit',
        tenantId: 'acme',
        from,
        to,
      })
      expect(sql).toContain('FROM mcp_audit.audit_events FINAL')
      expect(sql).not.toMatch(/acme|svc-known|2026|read_file|secret-server/)
      expect(Object.values(params)).toEqual(expect.arrayContaining(['acme', 'svc-known', to.getTime()]))
      expect(sql).toMatch(/NOT \(lowerUTF8\(user_id\) = lowerUTF8\(\{p\d+:String\}\)\)/)
      for (const column of [
        'tenant_id',
        '`group`',
        'count',
        'value',
        'first_seen',
        'last_seen',
        'sample_event_ids',
      ]) {
        expect(sql).toContain(column)
      }
    })
  }

  it('threshold: judges groups with enough events by the aggregate and the operator', () => {
    const { sql, params } = compileWindowedRule(windowedRule(SPECS.threshold!), { database: 'db', from, to })
    expect(sql).toContain('countIf(measured) / count()')
    expect(sql).toMatch(/HAVING count >= \{p\d+:UInt64\}\n {2}AND ifNull\(value > \{p\d+:Float64\}, 0\)/)
    expect(Object.values(params)).toEqual(expect.arrayContaining([20, 0.05]))
    expect(sql).not.toContain('tenant_id = {')
  })

  it('new_term: compares with the history before the window', () => {
    const { sql, params } = compileWindowedRule(windowedRule(SPECS.new_term!), { database: 'db', from, to })
    expect(sql).toContain('NOT IN (')
    expect(Object.values(params)).toEqual(
      expect.arrayContaining([from.getTime() - 14 * 86_400_000, from.getTime()]),
    )
  })

  it('sequence: looks back maxspan and requires the last step inside the window', () => {
    const { sql, params } = compileWindowedRule(windowedRule(SPECS.sequence!), { database: 'db', from, to })
    expect(sql).toMatch(/windowFunnel\(\{p\d+:UInt64\}, 'strict_increase'\)/)
    expect(sql).toMatch(/s1 AND occurred_at >= fromUnixTimestamp64Milli/)
    expect(Object.values(params)).toEqual(expect.arrayContaining([600_000, from.getTime() - 600_000, 2]))
  })

  it('absence: finds groups whose silence reached the window inside [from, to)', () => {
    const { params } = compileWindowedRule(windowedRule(SPECS.absence!), { database: 'db', from, to })
    const silence = 15 * 60_000
    expect(Object.values(params)).toEqual(
      expect.arrayContaining([
        from.getTime() - silence - 86_400_000,
        from.getTime() - silence,
        to.getTime() - silence,
      ]),
    )
  })

  it('refuses a database name that is not an identifier and an empty window', () => {
    expect(() =>
      compileWindowedRule(windowedRule(SPECS.threshold!), { database: 'db; DROP', from, to }),
    ).toThrow(RuleCompileError)
    expect(() =>
      compileWindowedRule(windowedRule(SPECS.threshold!), { database: 'db', from: to, to: from }),
    ).toThrow(/is not before/)
  })
})
