import type { Rule } from '../../../schemas/rules.js'
import type { Store } from '../../platform/clickhouse.js'
import { healthy, unhealthy, type Health } from '../../platform/health.js'
import type { Logger } from '../../platform/logger.js'
import { readWatermarks, writeWatermark } from '../../platform/store/detector-watermarks.js'
import { evaluateWindow, evaluateWindows, type WindowResult } from './evaluate.js'
import {
  bucketRuns,
  evaluationStepSeconds,
  isWindowedRule,
  pendingWindows,
  type Window,
  type WindowedRule,
} from './windows.js'

/**
 * Runs windowed rules over aligned buckets (windows.ts) and keeps a watermark per rule in
 * `detector_watermarks`. For each rule, a tick reads the watermark and evaluates the complete
 * buckets after it (oldest first, at most `maxWindowsPerTick`) in ranges of at most `maxRangeMs`,
 * one query per range (evaluateWindows: the candidates of one query per bucket, found with one).
 * Live, a tick finds one bucket due and evaluates it with the one-bucket query as before; after an
 * outage a 25-hour day of one-minute buckets takes five queries instead of 1,500. The range's candidates go to
 * `onCandidates` together, bucket by bucket in order, and then the watermark moves to its end. A tick that leaves
 * buckets due is followed at once by the next, so a catch-up does not wait `intervalMs` per tick.
 *
 * At-least-once: a crash after `onCandidates` and before the watermark insert evaluates that range
 * again after the restart and reports the same candidates again. Alert ids are derived from tenant,
 * rule, group and time (services/detector/alerts.ts), so the repeat updates the same incident
 * instead of opening another. A failed evaluation or `onCandidates` leaves the watermark at the end
 * of the previous range, and the range is retried on the next tick. Run one scheduler per store.
 */

export interface WindowSchedulerOptions {
  store: Pick<Store, 'client' | 'database'>
  /** All rules (match rules and disabled rules are ignored); a function to follow reloads. */
  rules: readonly Rule[] | (() => readonly Rule[])
  /** How long after a bucket ends its events are trusted to be stored (ingestion delay). */
  lagMs?: number
  /** Pause between ticks. */
  intervalMs?: number
  /** Bounded catch-up: buckets per rule per tick. */
  maxWindowsPerTick?: number
  /** Buckets evaluated by one query cover at most this much time (the query's memory and latency). */
  maxRangeMs?: number
  /** How far back a rule without a watermark starts (see pendingWindows). */
  backfillMs?: number
  /** A tick running longer than this counts as a stuck scheduler on `/readyz`. */
  stuckAfterMs?: number
  logger: Logger
  /**
   * Called once per evaluated range with its buckets that have candidates, oldest first, before
   * the watermark moves past them.
   */
  onCandidates: (rule: WindowedRule, found: WindowResult[]) => Promise<void>
}

export const DEFAULT_LAG_MS = 30_000
export const DEFAULT_INTERVAL_MS = 15_000
export const DEFAULT_MAX_WINDOWS_PER_TICK = 1_440
/** Six hours of buckets per query: a seasonal absence reads its 25 h history once per six hours. */
export const DEFAULT_MAX_RANGE_MS = 6 * 3_600_000
export const DEFAULT_STUCK_AFTER_MS = 10 * 60_000

export interface RuleTickReport {
  ruleId: string
  windows: Window[]
  candidates: number
  /** Complete buckets were left for the next tick (catch-up in progress). */
  behind: boolean
  error?: string
}

export interface WindowScheduler {
  start: () => void
  /** Stops the timer and waits for a tick in progress. */
  stop: () => Promise<void>
  /** One tick at `now` (ticks never overlap: a second call waits for the first). */
  runOnce: (now?: Date) => Promise<RuleTickReport[]>
  /** Unhealthy while a tick runs too long, or after a tick that failed as a whole (store unreachable). */
  health: () => Health
}

function catchingUp(reports: readonly RuleTickReport[]): boolean {
  return reports.some((report) => report.behind) && reports.every((report) => !report.error)
}

export function createWindowScheduler(options: WindowSchedulerOptions): WindowScheduler {
  const { store, onCandidates } = options
  const lagMs = options.lagMs ?? DEFAULT_LAG_MS
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS
  const maxWindows = options.maxWindowsPerTick ?? DEFAULT_MAX_WINDOWS_PER_TICK
  const maxRangeMs = options.maxRangeMs ?? DEFAULT_MAX_RANGE_MS
  const logger = options.logger.child({ component: 'window-scheduler' })
  const currentRules = () =>
    (typeof options.rules === 'function' ? options.rules() : options.rules)
      .filter(isWindowedRule)
      .filter((rule) => rule.enabled)

  /**
   * A single bucket (live: the one that just became due) by its one-bucket query, which reads less
   * than the range query of a seasonal or new_term rule; a run of buckets by the range query. Both
   * give the same candidates (test/integration/windowed-range.int.test.ts).
   */
  async function evaluate(rule: WindowedRule, range: Window[]): Promise<WindowResult[]> {
    const [only] = range
    if (range.length === 1 && only) return [{ window: only, rows: await evaluateWindow(store, rule, only) }]
    return evaluateWindows(store, rule, range)
  }

  async function runRule(rule: WindowedRule, watermark: number | null, now: Date): Promise<RuleTickReport> {
    const stepMs = evaluationStepSeconds(rule) * 1000
    const due = pendingWindows({
      watermark,
      stepMs,
      horizon: now.getTime() - lagMs,
      max: maxWindows + 1,
      backfillMs: options.backfillMs ?? 0,
    })
    const report: RuleTickReport = {
      ruleId: rule.id,
      windows: [],
      candidates: 0,
      behind: due.length > maxWindows,
    }
    for (const range of bucketRuns(due.slice(0, maxWindows), stepMs, maxRangeMs)) {
      // The range's candidates are handed over together (one alert store call: one insert, one
      // lookup per incident), and then the watermark moves to the range's end.
      const last = range.at(-1)!
      try {
        const results = await evaluate(rule, range)
        const found = results.filter((result) => result.rows.length > 0)
        if (found.length > 0) await onCandidates(rule, found)
        report.candidates += found.reduce((sum, result) => sum + result.rows.length, 0)
      } catch (err) {
        logger.error(
          { err, rule_id: rule.id, from: range[0]!.from.toISOString(), to: last.to.toISOString() },
          'windowed_rule_failed',
        )
        report.error = err instanceof Error ? err.message : String(err)
        report.behind = true
        break
      }
      report.windows.push(...range)
      try {
        await writeWatermark(store, rule.id, last.to)
      } catch (err) {
        // The range is evaluated again next tick: its candidates update the same alerts.
        logger.error({ err, rule_id: rule.id }, 'watermark_write_failed')
        report.error = err instanceof Error ? err.message : String(err)
        report.behind = true
        break
      }
    }
    if (report.behind && !report.error) {
      logger.warn({ rule_id: rule.id, evaluated: report.windows.length }, 'windowed_rule_catching_up')
    }
    return report
  }

  async function tick(now: Date): Promise<RuleTickReport[]> {
    const rules = currentRules()
    if (rules.length === 0) return []
    const watermarks = await readWatermarks(
      store,
      rules.map((rule) => rule.id),
    )
    const reports: RuleTickReport[] = []
    for (const rule of rules) reports.push(await runRule(rule, watermarks.get(rule.id) ?? null, now))
    return reports
  }

  let queue: Promise<unknown> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  let running = false
  let tickStartedAt: number | undefined
  let lastTickError: string | undefined
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS

  async function trackedTick(now: Date): Promise<RuleTickReport[]> {
    tickStartedAt = Date.now()
    try {
      const reports = await tick(now)
      lastTickError = undefined
      return reports
    } catch (err) {
      lastTickError = err instanceof Error ? err.message : String(err)
      throw err
    } finally {
      tickStartedAt = undefined
    }
  }

  function runOnce(now: Date = new Date()): Promise<RuleTickReport[]> {
    const run = queue.then(() => trackedTick(now))
    queue = run.catch(() => undefined)
    return run
  }

  function health(): Health {
    if (tickStartedAt !== undefined && Date.now() - tickStartedAt > stuckAfterMs) {
      return unhealthy(
        `a windowed-rule tick has run for ${Math.round((Date.now() - tickStartedAt) / 1000)} s`,
      )
    }
    if (lastTickError) return unhealthy(`the last windowed-rule tick failed: ${lastTickError}`)
    return healthy
  }

  /** The next tick after `delayMs`; at once while a rule is catching up without errors. */
  function schedule(delayMs: number): void {
    if (!running) return
    timer = setTimeout(() => {
      void runOnce()
        .then((reports) => schedule(catchingUp(reports) ? 0 : intervalMs))
        .catch((err: unknown) => {
          logger.error({ err }, 'window_scheduler_tick_failed')
          schedule(intervalMs)
        })
    }, delayMs)
    timer.unref()
  }

  return {
    start() {
      if (running) return
      running = true
      logger.info(
        { rules: currentRules().length, lag_ms: lagMs, interval_ms: intervalMs },
        'window_scheduler_started',
      )
      schedule(0)
    },
    async stop() {
      running = false
      if (timer) clearTimeout(timer)
      await queue
    },
    runOnce,
    health,
  }
}
