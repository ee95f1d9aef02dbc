import { between, candidateColumns, where, type Builder, type GroupColumns } from './query.js'
import type { QueryParams } from './sql.js'
import { RuleCompileError } from './sql.js'
import { evaluationStepSeconds, type Window, type WindowedRule } from './windows.js'

/**
 * A run of consecutive buckets evaluated by one query (compile-range.ts). The buckets are those of
 * pendingWindows: each ends on a step boundary, and only the first may start off one (a watermark
 * left by another step), so the bucket of a time t ≥ from is greatest(⌊t / step⌋ · step, from).
 */
export interface BucketRange {
  from: number
  to: number
  stepMs: number
  windows: readonly Window[]
}

export function bucketRange(rule: WindowedRule, windows: readonly Window[]): BucketRange {
  const stepMs = evaluationStepSeconds(rule) * 1000
  const first = windows[0]
  if (!first) throw new RuleCompileError(`rule ${rule.id}: no buckets to evaluate`)
  let previousEnd = first.from.getTime()
  for (const [index, window] of windows.entries()) {
    const from = window.from.getTime()
    const to = window.to.getTime()
    const aligned = to % stepMs === 0 && (index === 0 || from % stepMs === 0)
    if (from !== previousEnd || !(from < to) || !aligned || to - from > stepMs) {
      throw new RuleCompileError(
        `rule ${rule.id}: bucket ${window.from.toISOString()}–${window.to.toISOString()} is not the next ${stepMs / 1000} s bucket of the range`,
      )
    }
    previousEnd = to
  }
  return { from: first.from.getTime(), to: previousEnd, stepMs, windows }
}

/** The start (epoch ms, Int64) of the range's bucket holding the epoch-ms expression `ms` (≥ from). */
export function bucketOf(params: QueryParams, range: BucketRange, ms: string): string {
  const step = params.add('Int64', range.stepMs)
  return `greatest(intDiv(${ms}, ${step}) * ${step}, ${params.add('Int64', range.from)})`
}

export const EVENT_MS = 'toUnixTimestamp64Milli(occurred_at)'

export interface BucketCandidatesQuery {
  group: GroupColumns
  /** The candidate's value (compile.ts thresholdMeasure), 'NULL' for none. */
  value: string
  /** Per-event columns `value` reads, beside the group's. */
  columns?: string[]
  /** Which events count, beside lying in the range. */
  conditions: string[]
  /** Also select the group's g0, g1, …, to join on them. */
  groupNames?: boolean
}

/**
 * The candidate columns of compile.ts per bucket of the range and group, each row labelled by its
 * bucket's `window_from`; the caller adds HAVING and ORDER BY, or wraps it in a join.
 */
export function bucketCandidates(b: Builder, range: BucketRange, query: BucketCandidatesQuery): string {
  const { group } = query
  const inner = [
    'tenant_id',
    'event_id',
    'occurred_at',
    ...group.select,
    ...(query.columns ?? []),
    `${bucketOf(b.params, range, EVENT_MS)} AS window_from`,
  ]
  const outer = ['window_from', ...(query.groupNames ? group.names : [])]
  return `SELECT ${outer.join(', ')},
  ${candidateColumns(group.map, query.value, 'first')}
FROM (
  SELECT ${inner.join(', ')}
  FROM ${b.table} FINAL
  WHERE ${where([between(b.params, range.from, range.to), ...query.conditions])}
)
GROUP BY window_from, tenant_id, ${group.names.join(', ')}`
}
