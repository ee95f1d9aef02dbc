import { describe, expect, it } from 'vitest'
import { Condition } from '../../../schemas/rules.js'
import { compileCondition, QueryParams, RuleCompileError } from './sql.js'

function compile(condition: unknown) {
  const params = new QueryParams()
  const sql = compileCondition(Condition.parse(condition), params)
  return { sql, params: params.values }
}

describe('compileCondition', () => {
  it('binds every value as a parameter and never writes it into the SQL', () => {
    const hostile = "x') OR 1=1 --"
    const { sql, params } = compile({
      all: [
        { field: 'tool', equals: hostile },
        { field: 'attributes.x-note', contains: [hostile, 'b'] },
        { field: 'arguments', regex: `${hostile}.*` },
        { field: 'duration_ms', gt: 1.5 },
      ],
    })
    expect(sql).not.toContain(hostile)
    expect(sql).not.toContain('note')
    expect(sql).not.toContain('1.5')
    expect(Object.values(params)).toEqual(
      expect.arrayContaining([hostile, 'x-note', `(?i)${hostile}.*`, 1.5]),
    )
    expect(sql).toMatch(/^\(.* AND .*\)$/)
  })

  it('ignores case unless case_sensitive', () => {
    expect(compile({ field: 'tool', contains: 'exec' }).sql).toContain('positionCaseInsensitiveUTF8(tool,')
    expect(compile({ field: 'tool', contains: 'exec', case_sensitive: true }).sql).toContain('position(tool,')
    expect(compile({ field: 'tool', startswith: 'run' }).sql).toMatch(
      /startsWith\(lowerUTF8\(tool\), lowerUTF8\(\{p\d+:String\}\)\)/,
    )
    expect(compile({ field: 'tool', regex: 'a+', case_sensitive: true }).params).toEqual({ p0: 'a+' })
    expect(compile({ field: 'tool', regex: 'a+' }).params).toEqual({ p0: '(?i)a+' })
  })

  it('reads map entries through bound keys and compares numbers numerically', () => {
    const finding = compile({ field: 'redaction_findings.AWS_ACCESS_KEY', gte: 1 })
    expect(finding.sql).toBe('ifNull(toFloat64(redaction_findings[{p0:String}]) >= {p1:Float64}, 0)')
    expect(finding.params).toEqual({ p0: 'AWS_ACCESS_KEY', p1: 1 })
    expect(compile({ field: 'duration_ms', equals: '12.50' }).params).toEqual({ p0: 12.5 })
    expect(compile({ field: 'duration_ms', equals: 'slow' }).sql).toBe('(isNotNull(duration_ms) AND 0)')
  })

  it('keeps NULL out of the result so not negates a false comparison', () => {
    const { sql } = compile({ not: { field: 'duration_ms', gt: 100 } })
    expect(sql).toBe('(NOT (isNotNull(duration_ms) AND ifNull(toFloat64(duration_ms) > {p0:Float64}, 0)))')
  })

  it('applies all operators of a condition to one element of user_roles', () => {
    const { sql } = compile({ field: 'user_roles', startswith: 'ops', endswith: 'admin' })
    expect(sql).toMatch(/^arrayExists\(element -> \(startsWith\(.*\) AND endsWith\(.*\)\), user_roles\)$/)
  })

  it('turns bare addresses into networks and refuses what is not one', () => {
    expect(Object.values(compile({ field: 'source_ip', cidr: ['10.1.2.3', 'fd00::/8'] }).params)).toEqual(
      expect.arrayContaining(['10.1.2.3/32', 'fd00::/8']),
    )
    expect(() => compile({ field: 'source_ip', cidr: '10.0.0.0/33' })).toThrow(RuleCompileError)
    expect(() => compile({ field: 'source_ip', cidr: 'intranet' })).toThrow(/not an IPv4 or IPv6 network/)
  })

  it('names the field when it is unknown or cannot take the operator', () => {
    expect(() => compile({ field: 'tols', equals: 'x' })).toThrow(/unknown field tols \(did you mean \w+\?\)/)
    expect(() => compile({ field: 'tool.name', equals: 'x' })).toThrow(
      /only attributes.KEY and redaction_findings.TYPE/,
    )
    expect(() => compile({ field: 'occurred_at', gt: 5 })).toThrow(/"occurred_at" is not a number/)
  })

  it('treats exists as set and not empty', () => {
    expect(compile({ field: 'user_id', exists: false }).sql).toBe("NOT (user_id != '')")
    expect(compile({ field: 'error_code', exists: true }).sql).toBe('(isNotNull(error_code))')
    expect(compile({ field: 'attributes.region', exists: true }).sql).toBe("(attributes[{p0:String}] != '')")
    expect(compile({ field: 'user_roles', exists: true }).sql).toBe('(notEmpty(user_roles))')
  })
})
