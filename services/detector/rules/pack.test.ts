import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { GenericEvent } from '../../../schemas/event.js'
import { RuleTestFile, ruleKind, type Rule } from '../../../schemas/rules.js'
import { ingestRecords } from '../../collector/ingest.js'
import { createRedactor } from '../../normalizer/redaction/index.js'
import { addContentHash } from '../../normalizer/steps/content-hash.js'
import { deriveEvent, toolsListHash } from '../../normalizer/steps/derive.js'
import { normalizeEnvelope } from '../../normalizer/steps/normalize.js'
import { DEFAULT_PAYLOAD_LIMITS, redactEvent } from '../../normalizer/steps/redact.js'
import { formatRuleError, loadRules } from './load.js'
import { compileMatchRule } from './match.js'

const RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../rules')
const TESTS_DIR = join(RULES_DIR, 'tests')
const TENANT = 'default'

const pack = loadRules([RULES_DIR])
const tests = new Map(
  readdirSync(TESTS_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => [
      name.replace(/\.yaml$/, ''),
      RuleTestFile.parse(parse(readFileSync(join(TESTS_DIR, name), 'utf8'))),
    ]),
)
const redactor = createRedactor({ hmacKey: 'rule-pack-test-key-0123456789abcdef' })

/**
 * The stored rows of generic events, built by the real collector, normalize, derive (here in UTC)
 * and redact steps.
 */
function storedRows(events: Array<Record<string, unknown>>): AuditRow[] {
  return events.map((event, index) => {
    const ingested = ingestRecords([{ kind: 'record', value: event }], {
      tenantId: TENANT,
      gateway: 'rule-tests',
      format: 'generic',
      receivedAt: String(event.timestamp),
    })
    expect(ingested.errors).toEqual([])
    const envelope = ingested.accepted[0]!.envelope
    const normalized = normalizeEnvelope(envelope, {
      partition: 0,
      offset: index,
      retentionDays: () => 365,
    })
    if (normalized.kind !== 'ok') throw new Error(`event ${index} did not normalize: ${normalized.reason}`)
    const row = addContentHash(
      redactEvent(deriveEvent(normalized.value, 'UTC'), redactor, DEFAULT_PAYLOAD_LIMITS),
    )
    expect(row.attributes.local_hour).toMatch(/^\d{1,2}$/)
    return row
  })
}

describe('the built-in rule pack', () => {
  it('loads without errors', () => {
    expect(pack.errors.map(formatRuleError)).toEqual([])
    expect(pack.rules.length).toBeGreaterThanOrEqual(16)
  })

  it('has the three classic MCP alerts', () => {
    const titles = pack.rules.map((rule) => rule.title)
    for (const name of ['HighErrorRate', 'HighLatency', 'SuspiciousActivity']) {
      expect(titles.some((title) => title.startsWith(name))).toBe(true)
    }
  })

  it.each(pack.rules.map((rule) => [rule.id, rule] as const))(
    '%s is described, tagged and suppressed',
    (_id, rule) => {
      expect(rule.description.length).toBeGreaterThan(60)
      expect(rule.tags.some((tag) => tag.startsWith('owasp-mcp:MCP'))).toBe(true)
      expect(rule.tags.some((tag) => /^(attack|atlas)\./.test(tag))).toBe(true)
      expect(rule.tags.some((tag) => /^(pci-dss|soc2|iso27001):/.test(tag))).toBe(true)
      expect(rule.suppress).toBeDefined()
    },
  )

  it.each(pack.rules.map((rule) => [rule.id, rule] as const))(
    '%s has a test with fire and quiet cases',
    (id) => {
      const test = tests.get(id)
      expect(test, `rules/tests/${id}.yaml is missing`).toBeDefined()
      expect(test!.rule).toBe(id)
      expect(test!.cases.some((c) => c.expect === 'fire')).toBe(true)
      expect(test!.cases.some((c) => c.expect === 'quiet')).toBe(true)
      const now = Date.parse(test!.now)
      for (const testCase of test!.cases) {
        for (const event of testCase.events) {
          expect(GenericEvent.safeParse(event).success, `${testCase.name}: not a generic event`).toBe(true)
          expect(Date.parse(String(event.timestamp))).toBeLessThanOrEqual(now)
        }
      }
    },
  )

  it('has no test for a rule that is not in the pack', () => {
    const ids = new Set(pack.rules.map((rule) => rule.id))
    expect([...tests.keys()].filter((id) => !ids.has(id))).toEqual([])
  })
})

const matchRules = pack.rules.filter((rule): rule is Rule & { match: unknown } => ruleKind(rule) === 'match')
const matchCases = matchRules.flatMap((rule) =>
  (tests.get(rule.id)?.cases ?? []).map((testCase) => [rule.id, testCase.name, rule, testCase] as const),
)

describe('match rules over their test events, in the stream', () => {
  it.each(matchCases)('%s: %s', (_id, _name, rule, testCase) => {
    const matches = compileMatchRule(rule)
    const fired = storedRows(testCase.events).filter((row) => matches(row))
    if (testCase.expect === 'fire') expect(fired.length).toBeGreaterThan(0)
    else expect(fired.map((row) => ({ arguments: row.arguments, result: row.result }))).toEqual([])
  })
})

describe('rug-pull test events', () => {
  it('hash to a new value only where the tools changed', () => {
    const test = tests.get('mcp-tool-definition-changed')!
    const hashes = test.cases.map((testCase) => testCase.events.map((event) => toolsListHash(event.result)))
    const [changed, same] = hashes
    expect(new Set(changed).size).toBe(2)
    expect(new Set(same).size).toBe(1)
    // The normalizer stores the hash through redaction unchanged.
    const [row] = storedRows(test.cases[0]!.events.slice(-1))
    expect(row!.attributes.tools_list_hash).toBe(changed!.at(-1))
  })
})
