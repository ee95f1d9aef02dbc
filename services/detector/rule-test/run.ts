import type { AuditRow } from '../../../schemas/audit-row.js'
import type { Rule } from '../../../schemas/rules.js'
import type { Store } from '../../platform/clickhouse.js'
import { evaluationStepSeconds, isWindowedRule } from '../windowed/windows.js'
import { describeGroup, fire, TEST_TENANT, testWindow, type FiredGroup } from './fire.js'
import type { RuleTestSource } from './load.js'
import { openSandbox, replaceEvents } from './sandbox.js'

/**
 * Runs rules over sample events the way production would see them: the events become stored rows
 * through production's own ingestion (`RuleRunOptions.ingest`), are stored in a scratch ClickHouse
 * database, then match rules run in memory as in the stream and windowed rules run as their
 * compiled SQL against the scratch database.
 *
 * In a rule test (`rules/tests/<rule-id>.yaml`) a windowed rule is evaluated once, over the window
 * [now − W, now), as the detector evaluates a bucket that ends at `now` (an event at exactly `now`
 * belongs to the next one). W is the rule's `window` for threshold and new_term, `maxspan` for a
 * sequence (its last step in that span), and `history` for an absence (a silence of `window` that
 * had begun by now, after activity). Match rules look at every event. Disabled rules are tested as
 * if enabled.
 */

export interface IngestResult {
  rows: AuditRow[]
  /** Events the collector refused or the normalizer dead-lettered, by position in the input. */
  problems: string[]
}

/**
 * Generic events → stored rows as production makes them: the collector's validation (event ids
 * derived when absent) and the normalizer's parse, normalize, derive and redact steps. The detector
 * imports neither service; whoever composes them (the CLI) passes this in.
 */
export type SampleIngest = (
  events: readonly unknown[],
  context: { tenantId: string; receivedAt: Date; timeZone: string },
) => IngestResult

export interface CaseResult {
  file: string
  rule: string
  name: string
  expect: 'fire' | 'quiet'
  status: 'pass' | 'fail' | 'skip'
  reason: string
  fired: FiredGroup[]
}

export interface RuleRunOptions {
  ingest: SampleIngest
  /** Reuse this store (a scratch database is created in it and dropped); else a temporary embedded one. */
  store?: Pick<Store, 'client'>
  /** The tenant's timezone for local_hour / local_weekday (UTC when unset). */
  timeZone?: string
}

function ingest(options: RuleRunOptions, events: readonly unknown[], receivedAt: Date): IngestResult {
  return options.ingest(events, { tenantId: TEST_TENANT, receivedAt, timeZone: options.timeZone ?? 'UTC' })
}

function skipped(tests: readonly RuleTestSource[], rulesById: ReadonlyMap<string, Rule>): CaseResult[] {
  return tests
    .filter(({ test }) => !rulesById.has(test.rule))
    .flatMap(({ file, test }) =>
      test.cases.map((c) => ({
        file,
        rule: test.rule,
        name: c.name,
        expect: c.expect,
        status: 'skip' as const,
        reason: `rule ${test.rule} is not among the loaded rules; add it to the rule files or fix \`rule:\` in ${file}`,
        fired: [],
      })),
    )
}

/**
 * Runs rule tests: for each case, its events alone in the scratch database, then its rule at `now`.
 * A case whose rule is not in `rulesById` is skipped with the reason.
 */
export async function runRuleTests(
  tests: readonly RuleTestSource[],
  rulesById: ReadonlyMap<string, Rule>,
  options: RuleRunOptions,
): Promise<CaseResult[]> {
  const results = skipped(tests, rulesById)
  const runnable = tests.filter(({ test }) => rulesById.has(test.rule))
  if (runnable.length === 0) return results
  const sandbox = await openSandbox(options.store)
  try {
    for (const { file, test } of runnable) {
      const rule = rulesById.get(test.rule)!
      const now = new Date(test.now)
      for (const c of test.cases) {
        const base = { file, rule: rule.id, name: c.name, expect: c.expect }
        const { rows, problems } = ingest(options, c.events, now)
        if (problems.length > 0) {
          const reason = `the case's events are not all valid: ${problems.join('; ')}`
          results.push({ ...base, status: 'fail', reason, fired: [] })
          continue
        }
        await replaceEvents(sandbox, rows)
        const window = isWindowedRule(rule) ? testWindow(rule, now) : undefined
        const fired = await fire(sandbox, rule, rows, window)
        const where = window
          ? ` in the window [${window.from.toISOString()}, ${window.to.toISOString()})`
          : ''
        let status: CaseResult['status'] = 'pass'
        let reason: string
        if (fired.length > 0) {
          reason = `fired${where} for ${fired.map(describeGroup).join('; ')}`
          if (c.expect === 'quiet') status = 'fail'
        } else {
          reason = `stayed quiet${where} over ${rows.length} event(s)`
          if (c.expect === 'fire') status = 'fail'
        }
        results.push({
          ...base,
          status,
          reason: status === 'fail' ? `expected ${c.expect}, but it ${reason}` : reason,
          fired,
        })
      }
    }
  } finally {
    await sandbox.dispose()
  }
  return results
}

export interface RuleFiring {
  rule: Rule
  fired: FiredGroup[]
}

/**
 * Runs rules over one set of events as the detector would have: match rules on every event,
 * windowed rules over the detector's aligned buckets from the first event up to `now` (default:
 * just after the last event), each bucket that can hold a result evaluated once.
 */
export async function runRulesOnEvents(
  rules: readonly Rule[],
  events: readonly unknown[],
  options: RuleRunOptions & { now?: Date },
): Promise<{ firings: RuleFiring[]; problems: string[]; stored: number }> {
  const receivedAt = options.now ?? new Date()
  const { rows, problems } = ingest(options, events, receivedAt)
  const times = rows.map((row) => Date.parse(row.occurred_at))
  const now = options.now?.getTime() ?? (times.length > 0 ? Math.max(...times) + 1 : receivedAt.getTime())
  const sandbox = await openSandbox(options.store)
  try {
    await replaceEvents(sandbox, rows)
    const firings: RuleFiring[] = []
    for (const rule of rules) {
      if (!isWindowedRule(rule)) {
        firings.push({ rule, fired: await fire(sandbox, rule, rows) })
        continue
      }
      const stepMs = evaluationStepSeconds(rule) * 1000
      // Only buckets that can hold a result: ones with events, or (absence) where a silence can end.
      const delayMs = 'absence' in rule ? rule.absence.window * 1000 : 0
      const starts = [...new Set(times.map((t) => Math.floor((t + delayMs) / stepMs) * stepMs))]
        .filter((start) => start < now)
        .sort((a, b) => a - b)
      const fired: FiredGroup[] = []
      for (const start of starts) {
        const window = { from: new Date(start), to: new Date(Math.min(start + stepMs, now)) }
        fired.push(...(await fire(sandbox, rule, rows, window)))
      }
      firings.push({ rule, fired })
    }
    return { firings, problems, stored: rows.length }
  } finally {
    await sandbox.dispose()
  }
}
