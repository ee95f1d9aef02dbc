import { compileAbsenceRange } from './compile-absence-range.js'
import { thresholdMeasure, thresholdPasses } from './compile.js'
import {
  between,
  builder,
  candidateColumns,
  type Builder,
  type CompiledQuery,
  type QueryScope,
  where,
} from './query.js'
import { bucketCandidates, bucketOf, bucketRange, EVENT_MS, type BucketRange } from './range.js'
import { compileCondition, groupValueOf } from './sql.js'
import type { Window, WindowedRule } from './windows.js'

/**
 * Windowed rules over a run of buckets in one query: the candidate rows of compile.ts for every
 * bucket at once, each with `window_from` (epoch ms, Int64) naming its bucket, ordered by bucket
 * and then as compile.ts orders them. Per kind, the same rows as one query per bucket:
 * - threshold: the events grouped by bucket as well as by group;
 * - sequence: each step event is counted in every bucket whose query would have read it (its own,
 *   and those up to maxspan later), and the funnel runs per bucket and key;
 * - new_term: a term is new in a bucket when its latest occurrence before the bucket (ASOF JOIN on
 *   the latest occurrence per earlier bucket, the history before the range being one more) is older
 *   than `history`; a group is established when its latest event before the bucket start minus
 *   `learning` is no older than `history` (the events are bucketed shifted by `learning`);
 * - absence: see compile-absence-range.ts.
 * History is read once per range instead of once per bucket.
 */

export interface RangeCompileOptions extends QueryScope {
  /** Consecutive buckets of the rule, oldest first (pendingWindows). */
  windows: readonly Window[]
}

function keys(names: readonly string[], left: string, right: string): string {
  return ['tenant_id', ...names].map((name) => `${left}.${name} = ${right}.${name}`).join(' AND ')
}

function threshold(
  rule: Extract<WindowedRule, { threshold: unknown }>,
  b: Builder,
  range: BucketRange,
): CompiledQuery {
  const spec = rule.threshold
  const { params } = b
  const group = b.groups(spec.group_by)
  const measure = thresholdMeasure(spec, params)
  const candidates = bucketCandidates(b, range, {
    group,
    value: measure.value,
    columns: measure.columns,
    conditions: b.filters(spec.where),
  })
  const sql = `${candidates}
HAVING ${thresholdPasses(spec, params)}
ORDER BY window_from, tenant_id, ${group.names.join(', ')}`
  return { sql, params: params.values }
}

function sequence(
  rule: Extract<WindowedRule, { sequence: unknown }>,
  b: Builder,
  range: BucketRange,
): CompiledQuery {
  const spec = rule.sequence
  const { params } = b
  const group = b.groups(spec.by)
  const keyPresent = spec.by
    .filter((field) => field !== 'tenant_id')
    .map((field) => `${groupValueOf(field, params)} != ''`)
  const steps = spec.steps.map((step, index) => `${compileCondition(step.where, params)} AS s${index}`)
  const stepNames = spec.steps.map((_, index) => `s${index}`)
  const spanMs = spec.maxspan * 1000
  const step = params.add('Int64', range.stepMs)
  const span = params.add('Int64', spanMs)
  // An event at t is read by the buckets from its own to the one holding t + maxspan (and not past
  // the range): their aligned starts, the first raised to the range's start.
  const firstAligned = `greatest(intDiv(ms, ${step}), intDiv(${params.add('Int64', range.from)}, ${step})) * ${step}`
  const lastAligned = `least(intDiv(ms + ${span}, ${step}), intDiv(${params.add('Int64', range.to - 1)}, ${step})) * ${step}`
  const lastStep = stepNames.length - 1
  const funnelSteps = stepNames.map((name, index) =>
    index === lastStep ? `${name} AND ms >= window_from` : name,
  )
  const conditions = [
    between(params, range.from - spanMs, range.to),
    ...b.filters(undefined),
    ...keyPresent,
    stepNames.join(' OR '),
  ]
  const sql = `SELECT
  window_from,
  ${candidateColumns(group.map, 'NULL', 'first')}
FROM (
  SELECT *, greatest(first_aligned + ${step} * arrayJoin(range(toUInt32(intDiv(last_aligned - first_aligned, ${step}) + 1))), ${params.add('Int64', range.from)}) AS window_from
  FROM (
    SELECT tenant_id, event_id, occurred_at, ${EVENT_MS} AS ms, ${[...group.select, ...steps].join(', ')},
      ${firstAligned} AS first_aligned, ${lastAligned} AS last_aligned
    FROM ${b.table} FINAL
    WHERE ${where(conditions)}
  )
)
GROUP BY window_from, tenant_id, ${group.names.join(', ')}
HAVING windowFunnel(${params.add('UInt64', spanMs)}, 'strict_increase')(toUInt64(ms), ${funnelSteps.join(', ')}) = ${params.add('UInt8', stepNames.length)}
ORDER BY window_from, tenant_id, ${group.names.join(', ')}`
  return { sql, params: params.values }
}

function newTerm(
  rule: Extract<WindowedRule, { new_term: unknown }>,
  b: Builder,
  range: BucketRange,
): CompiledQuery {
  const spec = rule.new_term
  const { params } = b
  const fields = [...new Set([...spec.group_by, ...spec.fields])]
  const group = b.groups(fields)
  const filters = b.filters(spec.where)
  const termPresent = spec.fields
    .filter((field) => field !== 'tenant_id')
    .map((field) => `${groupValueOf(field, params)} != ''`)
  const historyMs = spec.history * 1000
  const history = params.add('Int64', historyMs)
  const rangeFrom = params.add('Int64', range.from)
  /**
   * The latest event per group and per bucket its time plus `shiftMs` falls in (times before the
   * range in one bucket before all others): the latest of the bucket just before a bucket's start,
   * found by ASOF JOIN, is the group's latest event before that start minus `shiftMs`.
   */
  const latestBefore = (select: string[], names: string[], shiftMs: number, conditions: string[]) => {
    const shift = params.add('Int64', shiftMs)
    return `(
  SELECT tenant_id, ${names.join(', ')}, slot, max(ms) AS latest
  FROM (
    SELECT tenant_id, ${select.join(', ')}, ${EVENT_MS} AS ms,
      if(ms + ${shift} < ${rangeFrom}, ${rangeFrom} - 1, ${bucketOf(params, range, `ms + ${shift}`)}) AS slot
    FROM ${b.table} FINAL
    WHERE ${where([between(params, range.from - historyMs, range.to - shiftMs), ...conditions])}
  )
  GROUP BY tenant_id, ${names.join(', ')}, slot
)`
  }
  const joins = [
    `ASOF LEFT JOIN ${latestBefore(group.select, group.names, 0, [...filters, ...termPresent])} AS seen
  ON ${keys(group.names, 'c', 'seen')} AND c.window_from > seen.slot`,
  ]
  const conditions = [`seen.latest < c.window_from - ${history}`]
  const learningMs = spec.learning !== undefined ? spec.learning * 1000 : spec.skip_new_groups ? 0 : undefined
  if (learningMs !== undefined) {
    const byGroup = spec.group_by.map((field) => fields.indexOf(field))
    const names = byGroup.map((i) => group.names[i]!)
    const select = byGroup.map((i) => group.select[i]!)
    joins.push(`ASOF LEFT JOIN ${latestBefore(select, names, learningMs, filters)} AS established
  ON ${keys(names, 'c', 'established')} AND c.window_from > established.slot`)
    conditions.push(`established.latest >= c.window_from - ${history}`)
  }
  const candidates = bucketCandidates(b, range, {
    group,
    value: 'NULL',
    conditions: [...filters, ...termPresent],
    groupNames: true,
  })
  const sql = `SELECT
  c.window_from AS window_from, c.tenant_id AS tenant_id, c.\`group\` AS \`group\`, c.count AS count,
  c.value AS value, c.first_seen AS first_seen, c.last_seen AS last_seen, c.sample_event_ids AS sample_event_ids
FROM (
${candidates}
) AS c
${joins.join('\n')}
WHERE ${conditions.join(' AND ')}
ORDER BY c.window_from, c.tenant_id, ${group.names.map((name) => `c.${name}`).join(', ')}`
  return { sql, params: params.values }
}

/** The query that finds a windowed rule's candidates in every bucket of `windows`. */
export function compileWindowedRange(rule: WindowedRule, options: RangeCompileOptions): CompiledQuery {
  const range = bucketRange(rule, options.windows)
  const b = builder(rule, options)
  if ('threshold' in rule) return threshold(rule, b, range)
  if ('new_term' in rule) return newTerm(rule, b, range)
  if ('sequence' in rule) return sequence(rule, b, range)
  return compileAbsenceRange(rule, b, range)
}
