import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ruleKind } from '../../../schemas/rules.js'
import { formatRuleError, loadRules, validateRule } from './load.js'
import { re2Problem } from './regex.js'

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-audit-rules-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const GOOD = `
id: tool-deleted
title: A delete tool was called
severity: low
match: { field: tool, startswith: delete_ }
`

describe('loadRules', () => {
  it('loads single-rule files, rule lists and multi-document files, skipping tests/', () => {
    const dir = folder({
      'one.yaml': GOOD,
      'pack/list.yml': `rules:\n  - { id: a-rule, title: First, severity: info, match: { field: tool, equals: x } }\n  - { id: b-rule, title: Second, severity: high, match: { field: tool, equals: y } }\n`,
      'multi.yaml': `id: c-rule\ntitle: Third\nseverity: low\nmatch: { field: tool, equals: z }\n---\nid: d-rule\ntitle: Fourth\nseverity: low\nmatch: { field: tool, equals: w }\n`,
      'tests/tool-deleted.yaml': 'rule: tool-deleted\nnow: 2026-11-24T12:00:00Z\ncases: []\n',
      'README.md': '# not a rule',
    })
    const { rules, errors, files } = loadRules([dir])
    expect(errors).toEqual([])
    expect(files).toHaveLength(3)
    expect(rules.map((rule) => rule.id).sort()).toEqual([
      'a-rule',
      'b-rule',
      'c-rule',
      'd-rule',
      'tool-deleted',
    ])
    expect(rules.find((rule) => rule.id === 'tool-deleted')).toMatchObject({
      enabled: true,
      tags: [],
      exceptions: [],
    })
  })

  it('keeps good rules when a neighbour is bad, and names file, line, rule and key', () => {
    const dir = folder({
      'mixed.yaml': `rules:
  - id: good-one
    title: Good
    severity: low
    match: { field: tool, equals: x }
  - id: bad-one
    title: Bad
    severity: hi
    match: { field: tool, equal: x }
`,
    })
    const { rules, errors } = loadRules([dir])
    expect(rules.map((rule) => rule.id)).toEqual(['good-one'])
    const messages = errors.map(formatRuleError)
    expect(messages).toContainEqual(
      expect.stringMatching(
        /mixed\.yaml:8: rule bad-one: severity: must be one of info, low, medium, high, critical \(got "hi"\); did you mean high\?/,
      ),
    )
    expect(messages).toContainEqual(
      expect.stringMatching(/mixed\.yaml:9: rule bad-one: match\.equal: unknown key; did you mean equals\?/),
    )
    // The misspelt operator is reported once, not again as "needs an operator".
    expect(messages.filter((m) => m.includes('needs an operator'))).toEqual([])
  })

  it('reports duplicate ids across files and keeps the first', () => {
    const dir = folder({ 'a.yaml': GOOD, 'b.yaml': GOOD })
    const { rules, errors } = loadRules([dir])
    expect(rules).toHaveLength(1)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ file: join(dir, 'b.yaml'), ruleId: 'tool-deleted', path: 'id' })
    expect(errors[0]!.message).toContain(`also defined in ${join(dir, 'a.yaml')}`)
  })

  it('explains missing paths, YAML syntax errors, test files and Sigma files', () => {
    const dir = folder({
      'broken.yaml': 'id: x\n  title: [unclosed\n',
      'sigma.yml': 'title: s\nlogsource: { product: mcp }\ndetection: { sel: { tool: x }, condition: sel }\n',
      'case.yaml': 'rule: x\nnow: 2026-11-24T12:00:00Z\ncases: []\n',
    })
    const messages = loadRules([
      join(dir, 'broken.yaml'),
      join(dir, 'sigma.yml'),
      join(dir, 'case.yaml'),
      join(dir, 'nope.yaml'),
    ]).errors.map(formatRuleError)
    expect(messages).toContainEqual(expect.stringMatching(/broken\.yaml:1: not valid YAML: Nested mappings/))
    expect(messages.filter((m) => m.includes('broken.yaml'))).toHaveLength(1)
    expect(messages).toContainEqual(expect.stringContaining('import-sigma'))
    expect(messages).toContainEqual(expect.stringContaining('this is a rule test'))
    expect(messages).toContainEqual(expect.stringMatching(/nope\.yaml: no such file or folder/))
  })
})

describe('validateRule', () => {
  const base = { id: 'some-rule', title: 'Some rule', severity: 'high' }
  const problems = (rule: Record<string, unknown>) =>
    validateRule({ ...base, ...rule }).problems.map((p) => `${p.path.join('.')}: ${p.message}`)

  it('asks for exactly one detection kind', () => {
    expect(problems({})).toEqual([expect.stringContaining('no detection: add one of match, threshold')])
    expect(problems({ match: { field: 'tool', equals: 'x' }, threshold: {} })[0]).toContain(
      'split it into 2 rules',
    )
  })

  it('reduces condition unions to the branch that was meant', () => {
    expect(problems({ match: { all: 'x' } })).toEqual(['match.all: must be a list (got "x")'])
    expect(problems({ match: 5 })[0]).toContain(
      'match: must be a mapping (got 5): a condition is { field, <operator> }',
    )
    expect(problems({ match: { any: [{ field: 'tool', regex: 5 }] } })).toEqual([
      'match.any.0.regex: must be text (got 5)',
    ])
    expect(problems({ match: { field: 'tool', equals: { a: 1 } } })).toEqual([
      'match.equals: must be text, a number or true or false (got a mapping)',
    ])
  })

  it('rejects unknown fields, map columns without a key and unknown finding types', () => {
    expect(problems({ match: { field: 'tool_name', equals: 'x' } })[0]).toMatch(
      /unknown field tool_name \(did you mean tool\?\)/,
    )
    expect(problems({ match: { field: 'attributes', equals: 'x' } })[0]).toContain('name a key')
    expect(problems({ match: { field: 'redaction_findings.GITHUB_TOKENS', gte: 1 } })[0]).toContain(
      'did you mean GITHUB_TOKEN?',
    )
    expect(problems({ match: { field: 'attributes.anything.goes', equals: 'x' } })).toEqual([])
  })

  it('checks that operators fit the field', () => {
    expect(problems({ match: { field: 'tool', gt: 3 } })[0]).toContain('tool holds text')
    expect(problems({ match: { field: 'duration_ms', contains: '3' } })[0]).toContain(
      'duration_ms is a number',
    )
    expect(problems({ match: { field: 'occurred_at', startswith: '2026' } })[0]).toContain(
      'attributes.local_hour',
    )
    expect(problems({ match: { field: 'tls', equals: 'yes' } })[0]).toContain('equals: true or equals: false')
    expect(problems({ match: { field: 'tool', cidr: '10.0.0.0/8' } })[0]).toContain(
      'cidr applies to source_ip',
    )
  })

  it('checks regexes compile and are RE2-compatible, and networks parse', () => {
    expect(problems({ match: { field: 'tool', regex: '(' } })[0]).toMatch(
      /^match\.regex: regex does not compile/,
    )
    expect(problems({ match: { field: 'tool', regex: 'a(?=b)' } })[0]).toContain('lookahead')
    expect(problems({ match: { field: 'tool', regex: '(a)\\1' } })[0]).toContain('backreference')
    expect(problems({ match: { field: 'source_ip', cidr: ['10.0.0.0/8', '10.0.0.0/33', 'nope'] } })).toEqual([
      'match.cidr.1: 10.0.0.0/33: the prefix length must be 0–32',
      'match.cidr.2: nope is not an IPv4 or IPv6 network (write it like 10.0.0.0/8 or 2001:db8::/32)',
    ])
  })

  it('checks windowed rules: tenant grouping, ratio as a share, history longer than window', () => {
    const threshold = {
      group_by: ['server_name'],
      window: '5m',
      aggregate: { type: 'ratio', numerator: { field: 'status', equals: 'error' } },
      op: 'gt',
      value: 5,
    }
    expect(problems({ threshold })).toEqual([
      'threshold.group_by: add tenant_id to group_by: an alert belongs to one tenant, so windowed rules group within a tenant',
      'threshold.value: a ratio is a share between 0 and 1: write 5% as 0.05 (got 5)',
    ])
    expect(problems({ absence: { group_by: ['tenant_id'], window: '1h', history: '30m' } })[0]).toContain(
      'history must be longer',
    )
    expect(
      problems({ threshold: { ...threshold, group_by: ['tenant_id'], window: '5 minutes', value: 0.1 } }),
    ).toEqual(['threshold.window: must be a number and a unit: 30s, 5m, 1h, 14d'])
  })

  it('returns the parsed rule with defaults and its kind', () => {
    const { rule, problems: found } = validateRule({
      ...base,
      new_term: { fields: ['server_name'], history: '14d', window: '15m' },
    })
    expect(found).toEqual([])
    expect(rule && ruleKind(rule)).toBe('new_term')
    expect(rule).toMatchObject({
      new_term: { group_by: ['tenant_id'], history: 14 * 86_400, window: 900, skip_new_groups: false },
    })
  })
})

describe('re2Problem', () => {
  it('accepts what both engines read alike and names what they do not', () => {
    expect(re2Problem('(\\.\\.[/\\\\]+){2,}')).toBeNull()
    expect(re2Problem('[(?=]')).toBeNull()
    expect(re2Problem('(?<!x)y')).toContain('lookbehind')
    expect(re2Problem('(?i)abc')).toContain('case_sensitive')
    expect(re2Problem('\\Aabc\\z')).toContain('use ^ and $')
    expect(re2Problem('a{1001}')).toContain('limit of 1000')
    expect(re2Problem('[]a]')).toContain('escape it')
  })
})
