import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Rule } from '../../schemas/rules.js'
import { registerRulesTest } from '../../services/cli/commands/rules-test.js'
import { ingestSamples } from '../../services/cli/sample-rows.js'
import {
  formatRuleError,
  loadRules,
  readRuleTests,
  runRuleTests,
  type CaseResult,
} from '../../services/detector/index.js'
import { packageRoot } from '../../services/platform/paths.js'

const PACK = path.join(packageRoot(), 'rules', 'mcp-core.yaml')
const TESTS = path.join(packageRoot(), 'rules', 'tests')

/**
 * The built-in rule pack against its tests (rules/tests/*.yaml): every case's events go through the
 * collector, normalizer and redaction steps into embedded ClickHouse, then the rule decides.
 */
describe('built-in rule pack rules/mcp-core.yaml', () => {
  const loaded = loadRules([PACK])
  const { tests, errors } = readRuleTests([TESTS])
  let results: CaseResult[] = []

  beforeAll(async () => {
    const byId = new Map<string, Rule>(loaded.rules.map((rule) => [rule.id, rule]))
    results = await runRuleTests(tests, byId, { ingest: ingestSamples })
  })

  it('loads without errors, and so do its tests', () => {
    expect(loaded.errors.map(formatRuleError)).toEqual([])
    expect(errors.map((e) => `${e.file}: ${e.message}`)).toEqual([])
    expect(tests.length).toBeGreaterThan(0)
  })

  it('has a test with a firing and a quiet case for every rule', () => {
    const covered = new Map<string, Set<string>>()
    for (const { test } of tests) {
      const kinds = covered.get(test.rule) ?? new Set()
      for (const c of test.cases) kinds.add(c.expect)
      covered.set(test.rule, kinds)
    }
    const missing = loaded.rules
      .filter((rule) => !(covered.get(rule.id)?.has('fire') && covered.get(rule.id)?.has('quiet')))
      .map((rule) => rule.id)
    expect(missing, 'rules without a fire and a quiet case in rules/tests/').toEqual([])
  })

  it('passes every case of every rule test', () => {
    const skipped = results.filter((r) => r.status === 'skip')
    for (const r of skipped) console.warn(`skipped ${path.basename(r.file)} › ${r.name}: ${r.reason}`)
    const failed = results.filter((r) => r.status === 'fail').map((r) => `${r.rule} › ${r.name}: ${r.reason}`)
    expect(failed).toEqual([])
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0)
  })
})

describe('mcp-audit rules test', () => {
  let output: string[] = []
  afterEach(() => {
    vi.restoreAllMocks()
    process.exitCode = undefined
  })

  async function run(...args: string[]): Promise<{ out: string; exitCode: typeof process.exitCode }> {
    output = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => output.push(line))
    vi.spyOn(console, 'error').mockImplementation((line: string) => output.push(line))
    const program = new Command().exitOverride()
    registerRulesTest(program.command('rules'))
    await program.parseAsync(['rules', 'test', ...args], { from: 'user' })
    const exitCode = process.exitCode
    return { out: output.join('\n'), exitCode }
  }

  it('runs the tests beside the rules and exits 0 when they pass', async () => {
    const { out, exitCode } = await run(PACK)
    expect(out).toMatch(/PASS mcp-path-traversal › /)
    expect(out).toMatch(/case\(s\): \d+ passed, 0 failed, 0 skipped/)
    expect(exitCode).toBeUndefined()
  })

  it('exits 1 when a case fails, and says why', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-rule-tests-'))
    try {
      writeFileSync(
        path.join(dir, 'mcp-path-traversal.yaml'),
        [
          'rule: mcp-path-traversal',
          'now: 2026-11-24T12:00:00Z',
          'cases:',
          '  - name: wrongly expects quiet',
          '    expect: quiet',
          '    events: [{ timestamp: "2026-11-24T11:59:00Z", method: tools/call, server: { name: filesystem }, tool: read_file, arguments: { path: ../../../etc/passwd } }]',
        ].join('\n'),
      )
      const { out, exitCode } = await run(PACK, '--tests', dir)
      expect(out).toMatch(
        /FAIL mcp-path-traversal › wrongly expects quiet\n {5}expected quiet, but it fired for /,
      )
      expect(exitCode).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('runs sample events through the rules and prints what fired for which group', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-rule-events-'))
    try {
      const file = path.join(dir, 'events.ndjson')
      const anonymous = Array.from({ length: 12 }, (_, i) => ({
        timestamp: `2026-11-24T11:59:${String(i * 4).padStart(2, '0')}Z`,
        method: 'tools/call',
        server: { name: 'github' },
        tool: 'search_code',
        arguments: { q: `term ${i}` },
      }))
      const traversal = {
        timestamp: '2026-11-24T11:58:30Z',
        method: 'tools/call',
        server: { name: 'filesystem' },
        tool: 'read_file',
        user: { id: 'alice@example.com', auth_method: 'oauth2' },
        arguments: { path: '../../../etc/passwd' },
      }
      const broken = { timestamp: 'yesterday', method: 'tools/call' }
      writeFileSync(file, [traversal, ...anonymous, broken].map((e) => JSON.stringify(e)).join('\n'))
      const { out } = await run(PACK, '--events', file)
      expect(out).toMatch(/FIRED mcp-path-traversal \(match, high\): 1 group\(s\)/)
      expect(out).toMatch(
        /FIRED mcp-suspicious-activity \(threshold, \w+\): 1 group\(s\)\n {2}tenant_id=test: 12 event\(s\)/,
      )
      expect(out).toMatch(/not ingested: event 14: /)
      expect(out).toMatch(/rule\(s\) fired on 13 event\(s\); 1 event\(s\) were not ingested/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
