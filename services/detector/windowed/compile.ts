import {
  between,
  builder,
  candidateColumns,
  COMPARISON,
  MAX_SAMPLE_EVENT_IDS,
  where,
  type Builder,
  type CompiledQuery,
  type QueryScope,
} from './query.js'
import { compileCondition, groupValueOf, numericValueOf, QueryParams, RuleCompileError } from './sql.js'
import type { WindowedRule } from './windows.js'

/**
 * Windowed rules as one parameterized ClickHouse query each, over `audit_events FINAL` (redelivered
 * copies of an event count once). Every query returns candidate rows of the same shape:
 *
 *   tenant_id String, group Map(String, String), count UInt64, value Nullable(Float64),
 *   first_seen DateTime64(3, 'UTC'), last_seen DateTime64(3, 'UTC'), sample_event_ids Array(String)
 *
 * The window is [from, to) of occurred_at (windows.ts). Per kind:
 * - threshold: groups of the window's events whose aggregate passes `op value` with at least
 *   `min_count` events; value is the aggregate (a count, a distinct count, a ratio 0–1, a quantile).
 * - new_term: combinations of the group_by and `fields` values seen in the window and not in the
 *   `history` before `from`; events whose term fields are empty have no term. The group holds the
 *   group_by and term fields, so each new term is its own candidate. With `skip_new_groups`, only
 *   groups that had events in the history count (a changed value, not a newcomer); with `learning`,
 *   only groups with events at least that long before the window (a baseline, not a first day).
 * - sequence: keys (`by`, none of them empty) with the steps in order, strictly increasing in time,
 *   within `maxspan`, the last step in the window (earlier steps may be up to maxspan before `from`);
 *   count and first/last seen cover the key's step events in [from - maxspan, to).
 * - absence: groups whose last event is such that the silence after it reaches `window` inside
 *   [from, to), with at least `min_history_count` events in the `history` before; so one silence is
 *   reported once, by the bucket in which it became long enough. count is those history events,
 *   last_seen the last event before the silence.
 * `where` narrows the events a rule looks at; an event matching any of `exceptions` is ignored
 * everywhere (also in new_term history and absence history).
 */

export interface CompileOptions extends QueryScope {
  from: Date
  to: Date
}

export type { CompiledQuery } from './query.js'

function windowBuilder(rule: WindowedRule, options: CompileOptions): Builder {
  if (!(options.from.getTime() < options.to.getTime())) {
    throw new RuleCompileError(
      `rule ${rule.id}: window from ${options.from.toISOString()} is not before to ${options.to.toISOString()}`,
    )
  }
  return builder(rule, options)
}

type ThresholdSpec = Extract<WindowedRule, { threshold: unknown }>['threshold']

/** The threshold's aggregate: the columns the inner select adds, and the value over a group. */
export function thresholdMeasure(
  spec: ThresholdSpec,
  params: QueryParams,
): { columns: string[]; value: string } {
  switch (spec.aggregate.type) {
    case 'count':
      return { columns: [], value: 'count()' }
    case 'distinct':
      return {
        columns: [`${groupValueOf(spec.aggregate.field, params)} AS measured`],
        value: "uniqExactIf(measured, measured != '')",
      }
    case 'ratio':
      return {
        columns: [`${compileCondition(spec.aggregate.numerator, params)} AS measured`],
        value: 'countIf(measured) / count()',
      }
    case 'quantile':
      return {
        columns: [`${numericValueOf(spec.aggregate.field, params)} AS measured`],
        value: `quantileExact(${params.add('Float64', spec.aggregate.q)})(measured)`,
      }
  }
}

/** The HAVING of a threshold group: enough events, and the value past the threshold. */
export function thresholdPasses(spec: ThresholdSpec, params: QueryParams): string {
  return `count >= ${params.add('UInt64', spec.min_count)}
  AND ifNull(value ${COMPARISON[spec.op]} ${params.add('Float64', spec.value)}, 0)`
}

function threshold(
  rule: Extract<WindowedRule, { threshold: unknown }>,
  options: CompileOptions,
): CompiledQuery {
  const spec = rule.threshold
  const b = windowBuilder(rule, options)
  const { params } = b
  const group = b.groups(spec.group_by)
  const measure = thresholdMeasure(spec, params)
  const inner = ['tenant_id', 'event_id', 'occurred_at', ...group.select, ...measure.columns]
  const sql = `SELECT
  ${candidateColumns(group.map, measure.value, 'first')}
FROM (
  SELECT ${inner.join(', ')}
  FROM ${b.table} FINAL
  WHERE ${where([between(params, options.from, options.to), ...b.filters(spec.where)])}
)
GROUP BY tenant_id, ${group.names.join(', ')}
HAVING ${thresholdPasses(spec, params)}
ORDER BY tenant_id, ${group.names.join(', ')}`
  return { sql, params: params.values }
}

function newTerm(rule: Extract<WindowedRule, { new_term: unknown }>, options: CompileOptions): CompiledQuery {
  const spec = rule.new_term
  const b = windowBuilder(rule, options)
  const { params } = b
  const fields = [...new Set([...spec.group_by, ...spec.fields])]
  const group = b.groups(fields)
  const filters = b.filters(spec.where)
  const termPresent = spec.fields
    .filter((field) => field !== 'tenant_id')
    .map((field) => `${groupValueOf(field, params)} != ''`)
  const historyFrom = options.from.getTime() - spec.history * 1000
  const history = where([between(params, historyFrom, options.from), ...filters])
  const seen = `(tenant_id, ${group.names.join(', ')}) NOT IN (
  SELECT tenant_id, ${group.select.join(', ')}
  FROM ${b.table} FINAL
  WHERE ${history}
    AND ${termPresent.length > 0 ? termPresent.join(' AND ') : '1'}
)`
  const conditions = [seen]
  // The group must already have had events before the window (skip_new_groups), or before the
  // window minus the learning period (a baseline of at least that long).
  const establishedBy =
    spec.learning !== undefined
      ? options.from.getTime() - spec.learning * 1000
      : spec.skip_new_groups
        ? options.from.getTime()
        : undefined
  if (establishedBy !== undefined) {
    const byGroup = spec.group_by.map((field) => fields.indexOf(field))
    const established = where([between(params, historyFrom, establishedBy), ...filters])
    conditions.push(`(tenant_id, ${byGroup.map((i) => group.names[i]!).join(', ')}) IN (
  SELECT tenant_id, ${byGroup.map((i) => group.select[i]!).join(', ')}
  FROM ${b.table} FINAL
  WHERE ${established}
)`)
  }
  const sql = `SELECT
  ${candidateColumns(group.map, 'NULL', 'first')}
FROM (
  SELECT tenant_id, event_id, occurred_at, ${group.select.join(', ')}
  FROM ${b.table} FINAL
  WHERE ${where([between(params, options.from, options.to), ...filters, ...termPresent])}
)
GROUP BY tenant_id, ${group.names.join(', ')}
HAVING ${conditions.join('\n  AND ')}
ORDER BY tenant_id, ${group.names.join(', ')}`
  return { sql, params: params.values }
}

function sequence(
  rule: Extract<WindowedRule, { sequence: unknown }>,
  options: CompileOptions,
): CompiledQuery {
  const spec = rule.sequence
  const b = windowBuilder(rule, options)
  const { params } = b
  const group = b.groups(spec.by)
  const keyPresent = spec.by
    .filter((field) => field !== 'tenant_id')
    .map((field) => `${groupValueOf(field, params)} != ''`)
  const steps = spec.steps.map((step, index) => `${compileCondition(step.where, params)} AS s${index}`)
  const stepNames = spec.steps.map((_, index) => `s${index}`)
  const spanMs = spec.maxspan * 1000
  const lastStep = stepNames.length - 1
  // The last step must fall in the window: earlier windows already reported chains ending before it.
  const funnelSteps = stepNames.map((name, index) =>
    index === lastStep ? `${name} AND occurred_at >= ${params.time(options.from)}` : name,
  )
  const sql = `SELECT
  ${candidateColumns(group.map, 'NULL', 'first')}
FROM (
  SELECT tenant_id, event_id, occurred_at, ${[...group.select, ...steps].join(', ')}
  FROM ${b.table} FINAL
  WHERE ${where([
    between(params, options.from.getTime() - spanMs, options.to),
    ...b.filters(undefined),
    ...keyPresent,
    stepNames.join(' OR '),
  ])}
)
GROUP BY tenant_id, ${group.names.join(', ')}
HAVING windowFunnel(${params.add('UInt64', spanMs)}, 'strict_increase')(toUInt64(toUnixTimestamp64Milli(occurred_at)), ${funnelSteps.join(', ')}) = ${params.add('UInt8', stepNames.length)}
ORDER BY tenant_id, ${group.names.join(', ')}`
  return { sql, params: params.values }
}

function absence(rule: Extract<WindowedRule, { absence: unknown }>, options: CompileOptions): CompiledQuery {
  const spec = rule.absence
  const b = windowBuilder(rule, options)
  const { params } = b
  const group = b.groups(spec.group_by)
  const silenceMs = spec.window * 1000
  const from = options.from.getTime()
  const to = options.to.getTime()
  if (spec.compare_to !== undefined) return seasonalAbsence(rule, options)
  const sql = `SELECT
  ${candidateColumns(group.map, 'NULL', 'last')}
FROM (
  SELECT tenant_id, event_id, occurred_at, ${group.select.join(', ')}
  FROM ${b.table} FINAL
  WHERE ${where([between(params, from - silenceMs - spec.history * 1000, to), ...b.filters(spec.where)])}
)
GROUP BY tenant_id, ${group.names.join(', ')}
HAVING last_seen >= ${params.time(from - silenceMs)}
  AND last_seen < ${params.time(to - silenceMs)}
  AND count >= ${params.add('UInt64', spec.min_history_count)}
ORDER BY tenant_id, ${group.names.join(', ')}`
  return { sql, params: params.values }
}

/**
 * An absence judged against a seasonal baseline: a group silent for at least `window` at the end of
 * the bucket, whose events in the same `window` one `compare_to` earlier (yesterday at this time)
 * reached `min_expected`. A silence that begins at night is reported in the morning if it lasts;
 * while it lasts, every bucket reports it again and suppression keeps it one alert. count is the
 * expected events, first/last seen the last event before the silence.
 */
function seasonalAbsence(
  rule: Extract<WindowedRule, { absence: unknown }>,
  options: CompileOptions,
): CompiledQuery {
  const spec = rule.absence
  const b = windowBuilder(rule, options)
  const { params } = b
  const group = b.groups(spec.group_by)
  const silenceMs = spec.window * 1000
  const periodMs = (spec.compare_to ?? 0) * 1000
  const to = options.to.getTime()
  const baseline = between(params, to - periodMs - silenceMs, to - periodMs)
  const sql = `SELECT
  tenant_id,
  \`group\`,
  expected AS count,
  CAST(NULL, 'Nullable(Float64)') AS value,
  last_seen AS first_seen,
  last_seen,
  sample_event_ids
FROM (
  SELECT
    tenant_id,
    ${group.map} AS \`group\`,
    max(occurred_at) AS last_seen,
    countIf(${baseline}) AS expected,
    arrayMap(e -> e.2, groupArraySorted(${MAX_SAMPLE_EVENT_IDS})((-toUnixTimestamp64Milli(occurred_at), event_id))) AS sample_event_ids
  FROM (
    SELECT tenant_id, event_id, occurred_at, ${group.select.join(', ')}
    FROM ${b.table} FINAL
    WHERE ${where([between(params, to - spec.history * 1000, to), ...b.filters(spec.where)])}
  )
  GROUP BY tenant_id, ${group.names.join(', ')}
)
WHERE last_seen < ${params.time(to - silenceMs)}
  AND count >= ${params.add('UInt64', spec.min_expected)}
ORDER BY tenant_id, \`group\``
  return { sql, params: params.values }
}

/** The query that finds a windowed rule's candidates for one window. */
export function compileWindowedRule(rule: WindowedRule, options: CompileOptions): CompiledQuery {
  if ('threshold' in rule) return threshold(rule, options)
  if ('new_term' in rule) return newTerm(rule, options)
  if ('sequence' in rule) return sequence(rule, options)
  return absence(rule, options)
}
