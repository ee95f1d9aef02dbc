import { describe, expect, it } from 'vitest'
import { Rule } from '../../../schemas/rules.js'
import {
  bucketRuns,
  evaluationStepSeconds,
  isWindowedRule,
  pendingWindows,
  ruleWindowSeconds,
  type Window,
  type WindowedRule,
} from './windows.js'

const MINUTE = 60_000
const T = Date.parse('2026-11-24T10:00:00.000Z')
const spans = (windows: Window[]) => windows.map((w) => [w.from.getTime() - T, w.to.getTime() - T])

function rule(spec: Record<string, unknown>): WindowedRule {
  const parsed = Rule.parse({ id: 'rule-1', title: 'rule one', severity: 'low', ...spec })
  if (!isWindowedRule(parsed)) throw new Error('expected a windowed rule')
  return parsed
}

describe('pendingWindows', () => {
  it('starts a rule never evaluated with the latest complete bucket', () => {
    const windows = pendingWindows({ watermark: null, stepMs: 5 * MINUTE, horizon: T + 12 * MINUTE, max: 10 })
    expect(spans(windows)).toEqual([[5 * MINUTE, 10 * MINUTE]])
  })

  it('backfills a rule never evaluated from the bucket holding horizon minus backfill', () => {
    const windows = pendingWindows({
      watermark: null,
      stepMs: 5 * MINUTE,
      horizon: T + 22 * MINUTE,
      max: 10,
      backfillMs: 14 * MINUTE,
    })
    expect(spans(windows)).toEqual([
      [5 * MINUTE, 10 * MINUTE],
      [10 * MINUTE, 15 * MINUTE],
      [15 * MINUTE, 20 * MINUTE],
    ])
    // A backfill shorter than a step still evaluates the latest complete bucket.
    const short = pendingWindows({
      watermark: null,
      stepMs: 5 * MINUTE,
      horizon: T + 22 * MINUTE,
      max: 10,
      backfillMs: MINUTE,
    })
    expect(spans(short)).toEqual([[15 * MINUTE, 20 * MINUTE]])
  })

  it('waits until the horizon (now minus the lag) has passed the end of a bucket', () => {
    const watermark = T + 5 * MINUTE
    expect(pendingWindows({ watermark, stepMs: 5 * MINUTE, horizon: T + 10 * MINUTE - 1, max: 10 })).toEqual(
      [],
    )
    expect(
      spans(pendingWindows({ watermark, stepMs: 5 * MINUTE, horizon: T + 10 * MINUTE, max: 10 })),
    ).toEqual([[5 * MINUTE, 10 * MINUTE]])
  })

  it('resumes after the watermark with contiguous buckets, oldest first, at most max', () => {
    const windows = pendingWindows({ watermark: T, stepMs: MINUTE, horizon: T + 10 * MINUTE + 5, max: 3 })
    expect(spans(windows)).toEqual([
      [0, MINUTE],
      [MINUTE, 2 * MINUTE],
      [2 * MINUTE, 3 * MINUTE],
    ])
  })

  it('shortens the first window after a step change instead of skipping to the next boundary', () => {
    const windows = pendingWindows({
      watermark: T + 2 * MINUTE,
      stepMs: 5 * MINUTE,
      horizon: T + 11 * MINUTE,
      max: 10,
    })
    expect(spans(windows)).toEqual([
      [2 * MINUTE, 5 * MINUTE],
      [5 * MINUTE, 10 * MINUTE],
    ])
  })

  it('evaluates nothing when the watermark is ahead of the horizon (a clock that went back)', () => {
    expect(
      pendingWindows({ watermark: T + 20 * MINUTE, stepMs: MINUTE, horizon: T + 10 * MINUTE, max: 10 }),
    ).toEqual([])
  })

  it('never skips or repeats a bucket over ticks at irregular times with restarts in between', () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const stepMs = 5 * MINUTE
    let watermark: number | null = null
    let now = T
    const evaluated: Window[] = []
    for (let tick = 0; tick < 200; tick++) {
      now += Math.floor(random() * 20 * MINUTE)
      // A restart forgets everything but the stored watermark; max varies like a busy tick would.
      const windows = pendingWindows({
        watermark,
        stepMs,
        horizon: now - 30_000,
        max: 1 + Math.floor(random() * 3),
      })
      evaluated.push(...windows)
      if (windows.length > 0) watermark = windows[windows.length - 1]!.to.getTime()
    }
    expect(evaluated.length).toBeGreaterThan(100)
    evaluated.forEach((w, i) => {
      expect(w.to.getTime() - w.from.getTime()).toBe(stepMs)
      expect(w.from.getTime() % stepMs).toBe(0)
      if (i > 0) expect(w.from.getTime()).toBe(evaluated[i - 1]!.to.getTime())
    })
  })
})

describe('rule windows', () => {
  it('uses the window as the step of tumbling threshold and new_term rules', () => {
    const threshold = rule({
      threshold: { group_by: ['tenant_id'], window: '5m', aggregate: { type: 'count' }, op: 'gt', value: 1 },
    })
    const newTerm = rule({ new_term: { fields: ['server_name'], history: '14d', window: '1h' } })
    expect([ruleWindowSeconds(threshold), evaluationStepSeconds(threshold)]).toEqual([300, 300])
    expect([ruleWindowSeconds(newTerm), evaluationStepSeconds(newTerm)]).toEqual([3600, 3600])
  })

  it('looks at sequences and absences every minute unless a sequence names its window', () => {
    const steps = [
      { name: 'read', where: { field: 'tool', equals: 'read_file' } },
      { name: 'send', where: { field: 'tool', equals: 'send_email' } },
    ]
    const sequence = rule({ sequence: { by: ['tenant_id', 'session_id'], maxspan: '10m', steps } })
    const paced = rule({ sequence: { by: ['tenant_id', 'session_id'], maxspan: '10m', window: '2m', steps } })
    const absence = rule({ absence: { group_by: ['tenant_id', 'gateway'], window: '15m', history: '1d' } })
    expect([ruleWindowSeconds(sequence), evaluationStepSeconds(sequence)]).toEqual([600, 60])
    expect([ruleWindowSeconds(paced), evaluationStepSeconds(paced)]).toEqual([120, 120])
    expect([ruleWindowSeconds(absence), evaluationStepSeconds(absence)]).toEqual([900, 60])
  })

  it('tells match rules from windowed ones', () => {
    const match = Rule.parse({
      id: 'rule-2',
      title: 'rule two',
      severity: 'low',
      match: { field: 'tool', equals: 'x' },
    })
    expect(isWindowedRule(match)).toBe(false)
  })
})

describe('bucketRuns', () => {
  it('cuts consecutive buckets into runs of at most maxRangeMs, at least one bucket each', () => {
    const windows = pendingWindows({ watermark: T, stepMs: MINUTE, horizon: T + 7 * MINUTE, max: 10 })
    expect(bucketRuns(windows, MINUTE, 3 * MINUTE).map((run) => run.length)).toEqual([3, 3, 1])
    expect(bucketRuns(windows, MINUTE, 30_000).map((run) => run.length)).toEqual([1, 1, 1, 1, 1, 1, 1])
    expect(bucketRuns([], MINUTE, 3 * MINUTE)).toEqual([])
  })
})
