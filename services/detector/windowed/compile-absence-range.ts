import { between, MAX_SAMPLE_EVENT_IDS, where, type Builder, type CompiledQuery } from './query.js'
import { EVENT_MS, type BucketRange } from './range.js'
import type { WindowedRule } from './windows.js'

/**
 * Absence rules over a run of buckets in one query, with the rows compile.ts gives per bucket.
 *
 * A group is silent at the end t of a bucket when its latest event before t is older than t minus
 * `window`, so the event after that latest one (if any) comes more than `window` later: only such
 * events ("silence starts") can be a bucket's last_seen. Each group's events are read once per
 * range with, per event, the time of the next one, how many came up to it, and the ten before it
 * (window functions); every (group, bucket) pair then finds its latest silence start before t by
 * ASOF JOIN, and event counts between two times come from running counts per time slot (slots of
 * the greatest common divisor of the step and the rule's durations, so every bound falls on a slot
 * boundary).
 */

type AbsenceRule = Extract<WindowedRule, { absence: unknown }>

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

export function compileAbsenceRange(rule: AbsenceRule, b: Builder, range: BucketRange): CompiledQuery {
  const spec = rule.absence
  const { params } = b
  const group = b.groups(spec.group_by)
  const silenceMs = spec.window * 1000
  const historyMs = spec.history * 1000
  const seasonal = spec.compare_to !== undefined
  const periodMs = (spec.compare_to ?? 0) * 1000
  // The baseline of a seasonal absence, [t - baselineFrom, t - baselineTo): the same `window` one
  // period earlier (within the history: the rule schema checks compare_to + window <= history).
  const baselineFrom = periodMs + silenceMs
  const baselineTo = periodMs
  const scanFrom = seasonal ? range.windows[0]!.to.getTime() - historyMs : range.from - silenceMs - historyMs
  const slotMs = seasonal
    ? [baselineFrom, baselineTo].reduce(gcd, range.stepMs)
    : [silenceMs, historyMs, range.from].reduce(gcd, range.stepMs)
  const slot = params.add('Int64', slotMs)
  const silence = params.add('Int64', silenceMs)
  const history = params.add('Int64', historyMs)
  const keys = ['tenant_id', ...group.names]
  const partition = `PARTITION BY ${keys.join(', ')} ORDER BY ms ASC, event_id DESC`
  const on = (right: string) => keys.map((key) => `grid.${key} = ${right}.${key}`).join(' AND ')
  const events = `(
    SELECT tenant_id, ${group.select.join(', ')}, ${EVENT_MS} AS ms, event_id
    FROM ${b.table} FINAL
    WHERE ${where([between(params, scanFrom, range.to), ...b.filters(spec.where)])}
  )`
  const lower = seasonal ? `window_to - ${history}` : `window_from - ${silence} - ${history}`
  const bounds = seasonal
    ? `window_to - ${params.add('Int64', baselineTo)} AS cut_hi, window_to - ${params.add('Int64', baselineFrom)} AS cut_lo`
    : 'sample_from AS cut_lo'
  const joins = seasonal
    ? `ASOF LEFT JOIN slots AS hi ON ${on('hi')} AND grid.cut_hi > hi.slot
ASOF LEFT JOIN slots AS lo ON ${on('lo')} AND grid.cut_lo > lo.slot`
    : `ASOF LEFT JOIN slots AS lo ON ${on('lo')} AND grid.cut_lo > lo.slot
ASOF LEFT JOIN slots AS first ON ${on('first')} AND grid.cut_lo <= first.slot`
  const count = seasonal ? 'hi.cum - lo.cum' : 'start.cum - lo.cum'
  const firstSeen = seasonal ? 'start.ms' : 'first.first_ms'
  const lastSeenIn = seasonal
    ? `start.ms >= grid.window_to - ${history} AND start.ms < grid.window_to - ${silence}`
    : `start.ms >= grid.window_from - ${silence} AND start.ms < grid.window_to - ${silence}`
  const minimum = params.add('UInt64', seasonal ? spec.min_expected : spec.min_history_count)
  const sql = `WITH
events AS ${events},
starts AS (
  SELECT * FROM (
    SELECT ${keys.join(', ')}, ms,
      leadInFrame(ms, 1, toInt64(-1)) OVER (${partition} ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_ms,
      count() OVER (${partition} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
      groupArray((ms, event_id)) OVER (${partition} ROWS BETWEEN ${MAX_SAMPLE_EVENT_IDS - 1} PRECEDING AND CURRENT ROW) AS recent
    FROM events
  )
  WHERE next_ms = -1 OR next_ms - ms > ${silence}
),
slots AS (
  SELECT ${keys.join(', ')}, slot, first_ms,
    sum(n) OVER (PARTITION BY ${keys.join(', ')} ORDER BY slot ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
  FROM (
    SELECT ${keys.join(', ')}, intDiv(ms, ${slot}) * ${slot} AS slot, count() AS n, min(ms) AS first_ms
    FROM events
    GROUP BY ${keys.join(', ')}, slot
  )
),
grid AS (
  SELECT ${keys.join(', ')}, ${group.map} AS \`group\`, bucket.1 AS window_from, bucket.2 AS window_to, ${lower} AS sample_from, ${bounds}
  FROM (SELECT DISTINCT ${keys.join(', ')} FROM events) AS present
  CROSS JOIN (SELECT arrayJoin(arrayZip(${params.add(
    'Array(Int64)',
    range.windows.map((w) => w.from.getTime()),
  )}, ${params.add(
    'Array(Int64)',
    range.windows.map((w) => w.to.getTime()),
  )})) AS bucket) AS buckets
)
SELECT
  grid.window_from AS window_from,
  grid.tenant_id AS tenant_id,
  grid.\`group\` AS \`group\`,
  toUInt64(${count}) AS count,
  CAST(NULL, 'Nullable(Float64)') AS value,
  fromUnixTimestamp64Milli(${firstSeen}, 'UTC') AS first_seen,
  fromUnixTimestamp64Milli(start.ms, 'UTC') AS last_seen,
  arrayMap(e -> e.2, arrayFilter(e -> e.1 >= grid.sample_from, arrayReverse(start.recent))) AS sample_event_ids
FROM grid
ASOF INNER JOIN starts AS start ON ${on('start')} AND grid.window_to > start.ms
${joins}
WHERE ${lastSeenIn}
  AND (start.next_ms = -1 OR start.next_ms >= grid.window_to)
  AND count >= ${minimum}
ORDER BY window_from, tenant_id, \`group\``
  return { sql, params: params.values }
}
