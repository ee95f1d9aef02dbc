import { describe, expect, it } from 'vitest'
import { Rule } from '../../../schemas/rules.js'
import { compileWindowedRule } from './compile.js'
import { RuleCompileError } from './sql.js'
import { isWindowedRule, type WindowedRule } from './windows.js'

const from = new Date('2026-11-24T10:00:00.000Z')
const to = new Date('2026-11-24T10:05:00.000Z')
const steps = [
  { name: 'read', where: { field: 'tool', equals: 'read_file' } },
  { name: 'send', where: { field: 'tool', equals: 'send_email' } },
]
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
  sequence: { sequence: { by: ['tenant_id', 'session_id'], maxspan: '10m', steps } },
  absence: { absence: { group_by: ['tenant_id', 'gateway'], window: '15m', history: '1d' } },
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

describe('compileWindowedRule', () => {
  for (const [kind, spec] of Object.entries(SPECS)) {
    it(`${kind}: reads deduplicated events, binds times, tenant, values and exceptions as parameters`, () => {
      const { sql, params } = compileWindowedRule(rule(spec), {
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
    const { sql, params } = compileWindowedRule(rule(SPECS.threshold!), { database: 'db', from, to })
    expect(sql).toContain('countIf(measured) / count()')
    expect(sql).toMatch(/HAVING count >= \{p\d+:UInt64\}\n {2}AND ifNull\(value > \{p\d+:Float64\}, 0\)/)
    expect(Object.values(params)).toEqual(expect.arrayContaining([20, 0.05]))
    expect(sql).not.toContain('tenant_id = {')
  })

  it('new_term: compares with the history before the window', () => {
    const { sql, params } = compileWindowedRule(rule(SPECS.new_term!), { database: 'db', from, to })
    expect(sql).toContain('NOT IN (')
    expect(Object.values(params)).toEqual(
      expect.arrayContaining([from.getTime() - 14 * 86_400_000, from.getTime()]),
    )
  })

  it('sequence: looks back maxspan and requires the last step inside the window', () => {
    const { sql, params } = compileWindowedRule(rule(SPECS.sequence!), { database: 'db', from, to })
    expect(sql).toMatch(/windowFunnel\(\{p\d+:UInt64\}, 'strict_increase'\)/)
    expect(sql).toMatch(/s1 AND occurred_at >= fromUnixTimestamp64Milli/)
    expect(Object.values(params)).toEqual(expect.arrayContaining([600_000, from.getTime() - 600_000, 2]))
  })

  it('absence: finds groups whose silence reached the window inside [from, to)', () => {
    const { params } = compileWindowedRule(rule(SPECS.absence!), { database: 'db', from, to })
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
    expect(() => compileWindowedRule(rule(SPECS.threshold!), { database: 'db; DROP', from, to })).toThrow(
      RuleCompileError,
    )
    expect(() => compileWindowedRule(rule(SPECS.threshold!), { database: 'db', from: to, to: from })).toThrow(
      /is not before/,
    )
  })
})
