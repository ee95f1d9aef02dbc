import type { Rule } from '../../../schemas/rules.js'

/**
 * Time arithmetic of windowed rules.
 *
 * A window is the half-open interval [from, to) of `occurred_at`. The scheduler cuts time into
 * buckets of the rule's evaluation step aligned to the Unix epoch (bucket k = [k·step, (k+1)·step),
 * UTC) and evaluates a bucket once, when `now - lag` has reached its end. The rule's watermark
 * (`detector_watermarks.evaluated_to`) is the end of the last bucket evaluated: every bucket that
 * ends at or before it is done, every later one is still due. Because buckets are fixed and the
 * watermark only moves forward, a restart resumes with the first bucket after the watermark: no
 * bucket is skipped, none is evaluated twice (except the one in flight at a crash, see scheduler.ts).
 */

export type WindowedRule = Exclude<Rule, { match: unknown }>

export function isWindowedRule(rule: Rule): rule is WindowedRule {
  return !('match' in rule)
}

export interface Window {
  from: Date
  to: Date
}

/** Sequence and absence rules are looked at every minute unless they say otherwise. */
const DEFAULT_LOOK_SECONDS = 60

/**
 * The length of the rule's window: threshold and new_term count events in it; a sequence is reported
 * when its last step falls in it; an absence when the silence reaches `window` in it.
 */
export function ruleWindowSeconds(rule: WindowedRule): number {
  if ('threshold' in rule) return rule.threshold.window
  if ('new_term' in rule) return rule.new_term.window
  if ('sequence' in rule) return rule.sequence.window ?? rule.sequence.maxspan
  return rule.absence.window
}

/**
 * How far apart the scheduler's buckets are. Threshold and new_term windows are tumbling: the step
 * is the window. Sequences and absences do not count within the bucket, so they are looked at more
 * often (every `sequence.window`, or every minute) to alert sooner.
 */
export function evaluationStepSeconds(rule: WindowedRule): number {
  if ('threshold' in rule) return rule.threshold.window
  if ('new_term' in rule) return rule.new_term.window
  if ('sequence' in rule) return rule.sequence.window ?? Math.min(rule.sequence.maxspan, DEFAULT_LOOK_SECONDS)
  return Math.min(rule.absence.window, DEFAULT_LOOK_SECONDS)
}

export interface PendingWindowsInput {
  /** End of the last evaluated bucket (epoch ms), or null for a rule never evaluated. */
  watermark: number | null
  stepMs: number
  /** Buckets ending at or before this (epoch ms: now minus the ingestion lag) are complete. */
  horizon: number
  /** At most this many buckets, oldest first (bounded catch-up after an outage). */
  max: number
  /** A rule never evaluated starts with the bucket holding `horizon - backfillMs`. Default 0. */
  backfillMs?: number
}

/**
 * The complete buckets after the watermark, oldest first. A rule never evaluated starts `backfillMs`
 * before the horizon, or with the latest complete bucket when that is 0. A watermark that is not on
 * a bucket boundary (the step was changed) gets a shortened first window up to the next boundary,
 * so nothing between the old and the new alignment is skipped.
 */
export function pendingWindows({
  watermark,
  stepMs,
  horizon,
  max,
  backfillMs = 0,
}: PendingWindowsInput): Window[] {
  if (!(stepMs > 0) || max <= 0) return []
  const lastEnd = Math.floor(horizon / stepMs) * stepMs
  const firstStart = Math.min(lastEnd - stepMs, Math.floor((horizon - backfillMs) / stepMs) * stepMs)
  let cursor = watermark ?? firstStart
  const windows: Window[] = []
  while (cursor < lastEnd && windows.length < max) {
    const end = (Math.floor(cursor / stepMs) + 1) * stepMs
    windows.push({ from: new Date(cursor), to: new Date(end) })
    cursor = end
  }
  return windows
}

/** Consecutive buckets in runs covering at most `maxRangeMs` each (at least one bucket per run). */
export function bucketRuns(windows: readonly Window[], stepMs: number, maxRangeMs: number): Window[][] {
  const size = Math.max(1, Math.floor(maxRangeMs / stepMs))
  const runs: Window[][] = []
  for (let start = 0; start < windows.length; start += size) runs.push(windows.slice(start, start + size))
  return runs
}
