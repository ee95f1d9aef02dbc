import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { compileMatchRule } from './match.js'
import { convertSigma } from './sigma.js'
import { parseSigmaCondition } from './sigma-condition.js'

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/sigma')
const fixture = (name: string) => convertSigma(readFileSync(join(FIXTURES, name), 'utf8'))

const row = (fields: Partial<AuditRow>): AuditRow =>
  ({
    tenant_id: 'acme',
    method: 'tools/call',
    tool: '',
    server_name: '',
    arguments: '',
    result: '',
    user_roles: [],
    attributes: {},
    redaction_findings: {},
    ...fields,
  }) as AuditRow

describe('convertSigma: single-event detections', () => {
  it('converts a SAFE-MCP style rule with mapped fields, lists as OR and "and not filter"', () => {
    const { rules, parsed, results } = fixture('safe-mcp-fake-tool-invocation.yml')
    expect(results).toEqual([
      expect.objectContaining({
        status: 'converted',
        ruleId: 'sigma-mcp-spoofed-privileged-tool-invocation',
        kind: 'match',
      }),
    ])
    expect(rules[0]).toMatchObject({
      severity: 'high',
      tags: [
        'attack.privilege_escalation',
        'attack.t1068',
        'safe.t1103',
        'sigma:3f9c2b71-5d0e-4c8a-9b61-2e7f4a1d8c05',
      ],
      match: {
        all: [
          { field: 'method', equals: 'tools/call' },
          {
            any: [
              { field: 'tool', contains: ['admin', 'sudo', 'escalate', 'bypass'] },
              { field: 'arguments', contains: ['bypass_acl', 'elevated', 'unrestricted'] },
            ],
          },
          { not: { field: 'server_name', equals: 'internal-admin-console' } },
        ],
      },
    })
    const matches = compileMatchRule(parsed[0]!)
    expect(matches(row({ tool: 'sudo_exec', server_name: 'ops' }))).toBe(true)
    expect(matches(row({ tool: 'run', arguments: '{"mode":"Unrestricted"}', server_name: 'ops' }))).toBe(true)
    expect(matches(row({ tool: 'admin_users', server_name: 'internal-admin-console' }))).toBe(false)
    expect(matches(row({ tool: 'read_file', server_name: 'ops' }))).toBe(false)
  })

  it('matches sub-fields inside the stored arguments JSON and says so', () => {
    const { parsed, results } = fixture('mcp-sensitive-file-read.yml')
    expect(results[0]).toMatchObject({ status: 'converted', kind: 'match' })
    expect(results[0]!.notes).toContainEqual(
      'parameters.path is matched under any key named path in the stored arguments JSON',
    )
    const matches = compileMatchRule(parsed[0]!)
    expect(parsed[0]!.severity).toBe('critical')
    expect(matches(row({ tool: 'read_file', arguments: '{"path":"/home/bob/.ssh/id_rsa"}' }))).toBe(true)
    expect(matches(row({ tool: 'read_text_file', arguments: '{"path":"/etc/shadow"}' }))).toBe(true)
    expect(matches(row({ tool: 'read_text_file', arguments: '{"path":"/etc/shadow.bak"}' }))).toBe(false)
    expect(matches(row({ tool: 'read_file', arguments: '{"path":"/home/bob/.kube/config"}' }))).toBe(true)
    expect(
      matches(
        row({
          tool: 'read_file',
          arguments: '{"path":"/home/bob/.ssh/id_rsa"}',
          user_roles: ['backup-agent'],
        }),
      ),
    ).toBe(false)
    expect(matches(row({ tool: 'write_file', arguments: '{"path":"/home/bob/.ssh/id_rsa"}' }))).toBe(false)
  })

  it('says per rule what cannot be converted', () => {
    const { rules, results } = fixture('webserver-exposed-endpoint.yml')
    expect(rules).toEqual([])
    expect(results).toHaveLength(2)
    const [webserver, keywords] = results
    expect(webserver!.status).toBe('skipped')
    expect(webserver!.problems.join('\n')).toMatch(/unknown field c-uri-path/)
    expect(webserver!.problems.join('\n')).toMatch(/modifier \|count is not supported/)
    expect(keywords!.problems.join('\n')).toMatch(
      /keyword lists \(values without a field\) are not supported/,
    )
    expect(keywords!.problems.join('\n')).toMatch(/modifier \|base64offset is not supported/)
  })

  it('rejects regexes that RE2 cannot run, naming the construct', () => {
    const source = `title: Outside
logsource: { product: mcp }
detection:
  selection: { src_ip|re: '^(?!10\\.)' }
  condition: selection
level: low
`
    const { results } = convertSigma(source)
    expect(results[0]!.problems.join('\n')).toMatch(/match\.regex: regex lookahead .* not supported by RE2/)
  })

  it('refuses value matches on pseudonymized users and v1 aggregations', () => {
    const users = convertSigma('title: U\ndetection: { sel: { user: alice }, condition: sel }\n')
    expect(users.results[0]!.problems[0]).toContain('keyed pseudonyms')
    const counted = convertSigma(
      'title: C\ndetection: { sel: { tool: x }, condition: sel | count() by user > 5 }\n',
    )
    expect(counted.results[0]!.problems[0]).toContain('correlation rule')
  })

  it('turns Sigma wildcards into contains, startswith, endswith or an anchored regex', () => {
    const { rules } = convertSigma(
      "title: Wildcards\nlevel: low\ndetection:\n  sel:\n    tool: ['*exec*', 'run_*', '*_shell', 'a?c*d', 'plain']\n  condition: sel\n",
    )
    expect(rules[0]).toMatchObject({
      match: {
        any: [
          { field: 'tool', contains: 'exec' },
          { field: 'tool', startswith: 'run_' },
          { field: 'tool', endswith: '_shell' },
          { field: 'tool', regex: '^a.c.*d$' },
          { field: 'tool', equals: 'plain' },
        ],
      },
    })
  })
})

describe('convertSigma: correlations', () => {
  const { rules, results } = fixture('mcp-correlations.yml')

  it('turns event_count and value_count into thresholds grouped within the tenant', () => {
    expect(rules).toHaveLength(2)
    expect(rules[0]).toMatchObject({
      id: 'sigma-repeated-mcp-authorization-denials-for-one-user',
      severity: 'high',
      threshold: {
        where: {
          all: [
            { field: 'method', equals: 'tools/call' },
            { field: 'status', equals: 'denied' },
          ],
        },
        group_by: ['tenant_id', 'user_id'],
        window: '15m',
        aggregate: { type: 'count' },
        op: 'gte',
        value: 10,
      },
      suppress: { group_by: ['tenant_id', 'user_id'], duration: '15m' },
    })
    expect(rules[1]).toMatchObject({
      threshold: {
        group_by: ['tenant_id', 'session_id'],
        aggregate: { type: 'distinct', field: 'tool' },
        op: 'gte',
        value: 25,
      },
    })
  })

  it('skips temporal correlations with a hint, and does not emit referenced base rules alone', () => {
    const byTitle = new Map(results.map((result) => [result.source, result]))
    expect(byTitle.get('MCP denial followed by success')).toMatchObject({ status: 'skipped' })
    expect(byTitle.get('MCP denial followed by success')!.problems[0]).toContain('write a sequence rule')
    expect(byTitle.get('MCP call denied by policy')!.status).toBe('referenced')
    expect(byTitle.get('MCP tool call')!.status).toBe('referenced')
  })
})

describe('parseSigmaCondition', () => {
  const selections = ['selection_a', 'selection_b', 'filter', '_hidden']
  it('parses precedence, quantifiers and them', () => {
    expect(parseSigmaCondition('selection_a or selection_b and not filter', selections)).toEqual({
      ok: true,
      node: {
        kind: 'or',
        parts: [
          { kind: 'ref', name: 'selection_a' },
          {
            kind: 'and',
            parts: [
              { kind: 'ref', name: 'selection_b' },
              { kind: 'not', part: { kind: 'ref', name: 'filter' } },
            ],
          },
        ],
      },
    })
    expect(parseSigmaCondition('all of them', selections)).toMatchObject({
      ok: true,
      node: { kind: 'and', parts: { length: 3 } },
    })
    expect(parseSigmaCondition('1 of selection_*', selections)).toMatchObject({
      ok: true,
      node: { kind: 'or' },
    })
  })

  it('explains what it cannot parse', () => {
    expect(parseSigmaCondition('selection_c', selections)).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a selection'),
    })
    expect(parseSigmaCondition('(selection_a', selections)).toMatchObject({ ok: false })
    expect(parseSigmaCondition('2 of selection_*', selections)).toMatchObject({
      ok: false,
      message: expect.stringContaining('only "1 of" and "all of"'),
    })
  })
})
