import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rule } from '../../schemas/rules.js'
import { loadRules } from '../../services/detector/rules/load.js'
import {
  evaluateWindow,
  evaluateWindows,
  type WindowResult,
} from '../../services/detector/windowed/evaluate.js'
import {
  evaluationStepSeconds,
  isWindowedRule,
  pendingWindows,
  type Window,
  type WindowedRule,
} from '../../services/detector/windowed/windows.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { packageRoot } from '../../services/platform/paths.js'
import { openTestStore, type TestStore } from '../helpers/store.js'
import { windowedDay } from '../helpers/windowed-day.js'

/**
 * Range evaluation (many buckets per query) against the reference, one query per bucket: every
 * built-in windowed rule and every rule kind and variant of the compiler, over a day of rows made
 * to fire and not fire at bucket edges, must give the same candidates in the same buckets. The
 * buckets are cut into ranges of varying length, the first bucket starts off the step (a watermark
 * left by another step), so both the seams between ranges and the shortened bucket are checked.
 */

const logger = createLogger({ level: 'silent' })
const MINUTE = 60_000
const END = Date.parse('2026-11-25T12:00:00.000Z')
const BURSTS_FROM = END - 120 * MINUTE
/** Not on any step boundary: the first bucket of every rule is a shortened one. */
const WATERMARK = BURSTS_FROM + 17_000

function windowed(id: string, spec: Record<string, unknown>): WindowedRule {
  return Rule.parse({ id, title: id, severity: 'low', ...spec }) as WindowedRule
}

/** Kinds and variants the built-in pack does not use. */
const VARIANTS: WindowedRule[] = [
  windowed('distinct-tools', {
    threshold: {
      group_by: ['tenant_id', 'user_id'],
      window: '2m',
      aggregate: { type: 'distinct', field: 'tool' },
      op: 'gte',
      value: 2,
    },
  }),
  windowed('few-calls', {
    threshold: {
      where: { field: 'method', equals: 'tools/call' },
      group_by: ['gateway'],
      window: '1m',
      aggregate: { type: 'count' },
      op: 'lt',
      value: 3,
    },
    exceptions: [{ field: 'gateway', equals: 'gw-thin' }],
  }),
  windowed('any-new-hash', {
    new_term: {
      fields: ['attributes.tools_list_hash'],
      group_by: ['server_name'],
      history: '1h',
      window: '5m',
    },
  }),
  windowed('denied-allowed-denied', {
    sequence: {
      by: ['user_id', 'tool'],
      maxspan: '15m',
      steps: [
        { name: 'denied', where: { field: 'status', equals: 'denied' } },
        { name: 'allowed', where: { field: 'status', equals: 'success' } },
        { name: 'denied-again', where: { field: 'status', equals: 'denied' } },
      ],
    },
  }),
  windowed('gateway-quiet', {
    absence: { group_by: ['tenant_id', 'gateway'], window: '3m', history: '2h', min_history_count: 5 },
  }),
  windowed('gateway-quiet-seasonal', {
    absence: { group_by: ['gateway'], window: '90s', history: '25h', compare_to: '1d', min_expected: 2 },
  }),
]

function builtInRules(): WindowedRule[] {
  const { rules, errors } = loadRules([path.join(packageRoot(), 'rules')])
  expect(errors).toEqual([])
  return rules.filter(isWindowedRule)
}

/** Ranges of 1, 7, 30 buckets, then the rest: seams at several places. */
function ranges(windows: readonly Window[]): Window[][] {
  const out: Window[][] = []
  let rest = windows.slice()
  for (const size of [1, 7, 30]) {
    if (rest.length > 0) out.push(rest.slice(0, size))
    rest = rest.slice(size)
  }
  if (rest.length > 0) out.push(rest)
  return out
}

const span = (w: Window) => `${w.from.toISOString()}–${w.to.toISOString()}`

describe('windowed rules evaluated over a range of buckets', () => {
  let store: TestStore

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    const rows = windowedDay({ end: END, burstsFrom: BURSTS_FROM, seed: 19 })
    for (let start = 0; start < rows.length; start += 20_000) {
      await store.client.insert({
        table: `${store.database}.audit_events`,
        values: rows.slice(start, start + 20_000),
        format: 'JSONEachRow',
      })
    }
  })
  afterAll(async () => {
    await store.dispose()
  })

  const rules = [...builtInRules(), ...VARIANTS]

  it.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s: the same candidates in the same buckets as one query per bucket',
    async (_id, rule) => {
      const windows = pendingWindows({
        watermark: WATERMARK,
        stepMs: evaluationStepSeconds(rule) * 1000,
        horizon: END,
        max: 10_000,
      })
      const reference: WindowResult[] = []
      for (const window of windows)
        reference.push({ window, rows: await evaluateWindow(store, rule, window) })
      const ranged: WindowResult[] = []
      for (const range of ranges(windows)) ranged.push(...(await evaluateWindows(store, rule, range)))

      expect(ranged.map((r) => span(r.window))).toEqual(windows.map(span))
      for (const [index, expected] of reference.entries()) {
        expect(ranged[index]!.rows, `${rule.id}, bucket ${span(expected.window)}`).toEqual(expected.rows)
      }
      // The data must make the comparison bite: the rule fires in some buckets and its candidates
      // change from one bucket to the next, so a range off by one bucket would differ.
      const fired = reference.filter((r) => r.rows.length > 0).length
      expect(fired, `${rule.id} fires in some buckets`).toBeGreaterThan(0)
      const changes = reference.filter(
        (r, i) => i > 0 && JSON.stringify(r.rows) !== JSON.stringify(reference[i - 1]!.rows),
      ).length
      expect(changes, `${rule.id} candidates change between buckets`).toBeGreaterThan(0)
    },
  )
})
