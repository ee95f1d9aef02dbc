import os from 'node:os'
import type { AuditRow } from '../../schemas/audit-row.js'
import { createDetectorScheduler } from '../../services/detector/service.js'
import {
  evaluateWindow,
  evaluateWindows,
  type WindowCandidate,
} from '../../services/detector/windowed/evaluate.js'
import { DEFAULT_MAX_RANGE_MS } from '../../services/detector/windowed/scheduler.js'
import {
  bucketRuns,
  evaluationStepSeconds,
  isWindowedRule,
  pendingWindows,
  type WindowedRule,
} from '../../services/detector/windowed/windows.js'
import { createLogger } from '../../services/platform/logger.js'
import type { Rig } from './detector-rig.js'
import { FAILING_SERVER, insertBucket } from './detector-window.js'

/**
 * Catching up a 25-hour day of windowed rules, the way the detector does after an outage. A day of
 * simulator traffic (the threshold part's templates, thinned, every 5 minutes, with the failing
 * server in full and the gateway silent for 40 minutes near the end) goes into audit_events three
 * days before now, clear of the other parts' rows. Then, on the same data in the same run:
 * - before: every rule's buckets of the day, one evaluateWindow query per bucket (the old path);
 * - after: the same buckets, one evaluateWindows query per range of up to DEFAULT_MAX_RANGE_MS;
 *   the candidates of both must be equal bucket for bucket;
 * - the scheduler: a detector scheduler with default settings (rules renamed, so watermarks and
 *   alerts of their own) ticked from no watermark, with a 25-hour backfill, until it is caught up,
 *   recording alerts as in production.
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 25 * HOUR_MS
const BUCKET_MS = 5 * MINUTE_MS
const MAX_TICKS = 100

export interface CatchUpPlan {
  /** Every stride-th template row per 5 minutes (the failing server's rows all). */
  stride: number
  /** The old path on every n-th bucket only, its time scaled up by n (quick runs). */
  sampleEvery: number
}

export interface RuleCatchUp {
  ruleId: string
  stepMinutes: number
  buckets: number
  bucketQueries: number
  bucketSeconds: number
  rangeQueries: number
  rangeSeconds: number
  /** Buckets with candidates, and candidates, by the range path. */
  firing: number
  candidates: number
}

export interface CatchUpRun {
  dayRows: number
  insertSeconds: number
  /** `os.loadavg()` (1, 5, 15 min) before the timed part and after it. */
  loadBefore: number[]
  loadAfter: number[]
  rules: RuleCatchUp[]
  /** The old path's time for all buckets (scaled up from the sample in quick runs). */
  bucketSeconds: number
  rangeSeconds: number
  scheduler: { seconds: number; ticks: number; windows: number; candidates: number; alerts: number }
}

function* dayRows(templates: readonly AuditRow[], templateEnd: number, dayEnd: number, stride: number) {
  const gap = { from: dayEnd - 45 * MINUTE_MS, to: dayEnd - 5 * MINUTE_MS }
  for (let bucketEnd = dayEnd - DAY_MS + BUCKET_MS; bucketEnd <= dayEnd; bucketEnd += BUCKET_MS) {
    const offset = bucketEnd - templateEnd
    for (const [index, row] of templates.entries()) {
      if (index % stride !== 0 && row.server_name !== FAILING_SERVER) continue
      const occurredAt = Date.parse(row.occurred_at) + offset
      if (occurredAt >= gap.from && occurredAt < gap.to) continue
      yield {
        ...row,
        event_id: `${row.event_id}.day.${bucketEnd / MINUTE_MS}`,
        occurred_at: new Date(occurredAt).toISOString(),
        received_at: new Date(Date.parse(row.received_at) + offset).toISOString(),
      }
    }
  }
}

const seconds = (began: number) => (performance.now() - began) / 1000
const same = (a: readonly WindowCandidate[], b: readonly WindowCandidate[]) =>
  JSON.stringify(a) === JSON.stringify(b)

async function compareRule(
  rig: Rig,
  rule: WindowedRule,
  day: { from: number; to: number },
  plan: CatchUpPlan,
  problems: string[],
): Promise<RuleCatchUp> {
  const stepMs = evaluationStepSeconds(rule) * 1000
  const windows = pendingWindows({ watermark: day.from, stepMs, horizon: day.to, max: 1_000_000 })
  const sampled = windows.filter((_, index) => index % plan.sampleEvery === 0)
  const reference = new Map<number, WindowCandidate[]>()
  let began = performance.now()
  for (const window of sampled)
    reference.set(window.from.getTime(), await evaluateWindow(rig.store, rule, window))
  const bucketSeconds = seconds(began) * plan.sampleEvery

  const chunks = bucketRuns(windows, stepMs, DEFAULT_MAX_RANGE_MS)
  let firing = 0
  let candidates = 0
  let mismatches = 0
  began = performance.now()
  const results = []
  for (const chunk of chunks) results.push(...(await evaluateWindows(rig.store, rule, chunk)))
  const rangeSeconds = seconds(began)
  for (const { window, rows } of results) {
    if (rows.length > 0) firing += 1
    candidates += rows.length
    const expected = reference.get(window.from.getTime())
    if (expected && !same(expected, rows)) mismatches += 1
  }
  if (mismatches > 0) {
    problems.push(
      `catch-up: ${rule.id} found other candidates by range than bucket by bucket in ${mismatches} buckets`,
    )
  }
  return {
    ruleId: rule.id,
    stepMinutes: stepMs / MINUTE_MS,
    buckets: windows.length,
    bucketQueries: sampled.length,
    bucketSeconds,
    rangeQueries: chunks.length,
    rangeSeconds,
    firing,
    candidates,
  }
}

async function schedulerCatchUp(
  rig: Rig,
  rules: readonly WindowedRule[],
  dayEnd: number,
  problems: string[],
) {
  const renamed = rules.map((rule) => ({ ...rule, id: `${rule.id}-catch-up` }))
  let candidates = 0
  const scheduler = createDetectorScheduler({
    config: { ...rig.config, detector: { ...rig.config.detector, lagMs: 0, backfillMs: DAY_MS } },
    store: rig.store,
    logger: createLogger({ level: 'warn', destination: process.stderr }),
    parts: { ...rig.detector.parts, rules: renamed },
  })
  const before = rig.alertWrittenAt.size
  let ticks = 0
  let windows = 0
  const began = performance.now()
  for (; ticks < MAX_TICKS; ticks++) {
    const reports = await scheduler.runOnce(new Date(dayEnd))
    for (const report of reports) {
      if (report.error) problems.push(`catch-up: ${report.ruleId} failed: ${report.error}`)
      windows += report.windows.length
      candidates += report.candidates
    }
    if (!reports.some((report) => report.behind)) break
  }
  const elapsed = seconds(began)
  if (ticks === MAX_TICKS) problems.push(`catch-up: the scheduler was still behind after ${MAX_TICKS} ticks`)
  return { seconds: elapsed, ticks: ticks + 1, windows, candidates, alerts: rig.alertWrittenAt.size - before }
}

export async function measureCatchUp(
  rig: Rig,
  templates: { rows: readonly AuditRow[]; bucketEnd: number },
  plan: CatchUpPlan,
  problems: string[],
  progress: (message: string) => void,
): Promise<CatchUpRun> {
  const dayEnd = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * 24 * HOUR_MS
  const day = { from: dayEnd - DAY_MS, to: dayEnd }
  let dayRowCount = 0
  const counted = function* (rows: Iterable<AuditRow>) {
    for (const row of rows) {
      dayRowCount += 1
      yield row
    }
  }
  progress('catch-up: inserting a 25-hour day of traffic')
  const began = performance.now()
  await insertBucket(rig, dayEnd, counted(dayRows(templates.rows, templates.bucketEnd, dayEnd, plan.stride)))
  const insertSeconds = seconds(began)

  const rules = rig.detector.parts.rules.filter(isWindowedRule).filter((rule) => rule.enabled)
  const loadBefore = os.loadavg()
  const perRule: RuleCatchUp[] = []
  for (const rule of rules) {
    progress(`catch-up: ${rule.id}, bucket by bucket and by range`)
    perRule.push(await compareRule(rig, rule, day, plan, problems))
  }
  progress('catch-up: the scheduler from no watermark')
  const scheduler = await schedulerCatchUp(rig, rules, dayEnd, problems)
  return {
    dayRows: dayRowCount,
    insertSeconds,
    loadBefore,
    loadAfter: os.loadavg(),
    rules: perRule,
    bucketSeconds: perRule.reduce((sum, rule) => sum + rule.bucketSeconds, 0),
    rangeSeconds: perRule.reduce((sum, rule) => sum + rule.rangeSeconds, 0),
    scheduler,
  }
}
