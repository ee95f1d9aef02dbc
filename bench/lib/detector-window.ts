import type { AuditRow } from '../../schemas/audit-row.js'
import { processEventMessage } from '../../services/normalizer/pipeline.js'
import { evaluateWindow, evaluateWindows } from '../../services/detector/windowed/evaluate.js'
import type { RuleTickReport } from '../../services/detector/windowed/scheduler.js'
import { isWindowedRule, type WindowedRule } from '../../services/detector/windowed/windows.js'
import { generateTraffic } from '../../services/simulator/index.js'
import { clickhouseTime } from '../../services/platform/store/time.js'
import { collectorPath } from './collector-path.js'
import { PSEUDONYMIZATION_KEY, TENANT_ID, type Rig } from './detector-rig.js'
import { pipelineDeps } from './normalizer-stages.js'
import { percentile } from './stats.js'

/**
 * The threshold rule measurement. Rows for one 5-minute bucket go straight into audit_events
 * (simulator traffic through the collector's and the normalizer's CPU path, plus a server failing
 * half its calls, which mcp-high-error-rate must report); then the detector's own scheduler is
 * ticked with `runOnce(now)` for the moment the bucket becomes due (`now = bucket end + lagMs`).
 *
 * Bucket ends are chosen on a 30-minute boundary at least six minutes ahead of the wall clock, so
 * the scheduler's own timer (which judges buckets `lagMs` behind the wall clock) never reaches
 * them, and the 1-, 5-, 10- and 15-minute buckets of every windowed rule end together: the timed
 * tick is the heaviest a tick gets. An untimed tick first brings every rule up to the minute before
 * the bucket's end, as the ticks every `intervalMs` would have, so the timed tick judges exactly one
 * bucket per rule.
 */

export const WINDOW_RULE = 'mcp-high-error-rate'
export const FAILING_SERVER = 'flaky-db'
const FAILING_CALLS = 60
const BUCKET_MS = 5 * 60_000
const ALIGN_MS = 30 * 60_000
const MINUTE_MS = 60_000
/** Distinct rows made through the pipeline; larger buckets repeat them as more users and sessions. */
export const TEMPLATE_ROWS = 10_000
const INSERT_ROWS = 10_000
const WEBHOOK_TIMEOUT_MS = 30_000

export interface RuleQuery {
  ruleId: string
  windowMinutes: number
  candidates: number
  /** Median of the repeated evaluateWindow calls (one query per bucket), ms. */
  queryMs: number
  /** Median of the repeated evaluateWindows calls on the bucket alone (the scheduler's path), ms. */
  rangeQueryMs: number
}

export interface WindowRun {
  /** Rows stored in the bucket, and in audit_events as a whole. */
  rows: number
  tableRows: number
  insertSeconds: number
  /** Milliseconds from runOnce's start: its end, the alert_fired line, the webhook. */
  tickMs: number
  alertWrittenMs: number
  webhookMs: number
  /** Alerts the timed tick reported, by rule. */
  candidates: Array<{ ruleId: string; candidates: number }>
  queries: RuleQuery[]
}

function failingCalls(bucketStart: number): Array<Record<string, unknown>> {
  return Array.from({ length: FAILING_CALLS }, (_, i) => {
    const failed = i % 2 === 0
    return {
      event_id: `flaky-${bucketStart}-${i}`,
      timestamp: new Date(bucketStart + Math.floor(((i + 0.5) * BUCKET_MS) / FAILING_CALLS)).toISOString(),
      method: 'tools/call',
      server: { name: FAILING_SERVER, version: '2.1.0', transport: 'streamable-http' },
      tool: 'query',
      session_id: `flaky-session-${i % 6}`,
      user: { id: `analyst${i % 6}@bench.example`, roles: ['data-analyst'], auth_method: 'oauth2' },
      arguments: { sql: 'SELECT id, status FROM orders WHERE updated_at > now() - interval 1 hour' },
      ...(failed
        ? { status: 'error', error: { code: -32603, message: 'connection reset by peer' } }
        : { status: 'success', result: { content: [{ type: 'text', text: '42 rows' }], isError: false } }),
      duration_ms: failed ? 5_000 : 35,
    }
  })
}

/** One bucket's worth of simulator traffic (plus the failing server) as stored rows. */
export function templateRows(rig: Rig, bucketEnd: number): AuditRow[] {
  const bucketStart = bucketEnd - BUCKET_MS
  const benign = TEMPLATE_ROWS - FAILING_CALLS
  const records = generateTraffic({
    seed: `bench-detector-${rig.suffix}`,
    rate: benign / (BUCKET_MS / 1000),
    duration: BUCKET_MS / 1000,
    calls: benign,
    start: bucketStart,
    tenants: [{ id: TENANT_ID, timezone: 'UTC' }],
    formats: ['generic'],
    outputFormat: 'generic',
  })
  const events = [...records.map((record) => record.record), ...failingCalls(bucketStart)]
  const deps = pipelineDeps(rig.config, PSEUDONYMIZATION_KEY)
  const rows: AuditRow[] = []
  for (let start = 0; start < events.length; start += 1_000) {
    const body = JSON.stringify(events.slice(start, start + 1_000))
    for (const [index, message] of collectorPath(body, {
      tenantId: TENANT_ID,
      gateway: rig.gateway,
    }).events.entries()) {
      const outcome = processEventMessage(
        { value: Buffer.from(String(message.value)), offset: String(start + index) },
        0,
        deps,
      )
      if (outcome.kind !== 'ok') throw new Error(`a template event was not stored: ${outcome.reason}`)
      rows.push(...outcome.rows)
    }
  }
  return rows
}

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString()

/**
 * `copies` copies of the templates moved into the bucket ending at `bucketEnd`: event ids of their
 * own in every bucket, and each copy after the first its own users and sessions.
 */
function* bucketRows(templates: readonly AuditRow[], templateEnd: number, bucketEnd: number, copies: number) {
  const offset = bucketEnd - templateEnd
  for (let copy = 0; copy < copies; copy++) {
    const tag = (value: string) => (copy === 0 || value === '' ? value : `${value}.${copy}`)
    for (const row of templates) {
      yield {
        ...row,
        event_id: `${row.event_id}.${bucketEnd / MINUTE_MS}.${copy}`,
        session_id: tag(row.session_id),
        user_id: tag(row.user_id),
        occurred_at: shift(row.occurred_at, offset),
        received_at: shift(row.received_at, offset),
      }
    }
  }
}

/**
 * Inserts like the normalizer's writer, each insert with a deduplication token of its own. Without
 * one, the embedded store reuses the token of the session's previous insert (chDB keeps per-query
 * settings), and audit_events drops the insert as a duplicate.
 */
export async function insertBucket(rig: Rig, bucketEnd: number, rows: Iterable<AuditRow>): Promise<void> {
  let batch: AuditRow[] = []
  let inserts = 0
  const flush = async () => {
    await rig.store.client.insert({
      table: `${rig.store.database}.audit_events`,
      values: batch,
      format: 'JSONEachRow',
      clickhouse_settings: {
        insert_deduplication_token: `bench-detector-${rig.suffix}-${bucketEnd}-${inserts++}`,
        async_insert: 0,
      },
    })
    batch = []
  }
  for (const row of rows) {
    batch.push(row)
    if (batch.length >= INSERT_ROWS) await flush()
  }
  if (batch.length > 0) await flush()
}

/** Rows in audit_events: all of them, and those of the bucket ending at `bucketEnd`. */
async function storedRows(rig: Rig, bucketEnd: number): Promise<{ table: number; bucket: number }> {
  const result = await rig.store.client.query({
    query: `SELECT count() AS table, countIf(occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}) AS bucket
      FROM ${rig.store.database}.audit_events`,
    query_params: { from: clickhouseTime(bucketEnd - BUCKET_MS), to: clickhouseTime(bucketEnd) },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ table: string; bucket: string }>()
  return { table: Number(row?.table ?? 0), bucket: Number(row?.bucket ?? 0) }
}

/** The first bucket end on a 30-minute boundary at least `aheadMs` after now. */
export function firstBucketEnd(now: number, aheadMs = 6 * MINUTE_MS): number {
  return Math.ceil((now + aheadMs) / ALIGN_MS) * ALIGN_MS
}

/**
 * An hour later: the alert store joins a bucket's candidate to the same group's incident while it is
 * open (its suppression, 30 minutes for mcp-high-error-rate, after its last event), and the timed
 * bucket must open an incident of its own to send a webhook.
 */
export const nextBucketEnd = (bucketEnd: number) => bucketEnd + 2 * ALIGN_MS

async function timeQueries(
  rig: Rig,
  reports: readonly RuleTickReport[],
  repeats: number,
): Promise<RuleQuery[]> {
  const rules = new Map(
    rig.detector.parts.rules.filter(isWindowedRule).map((rule): [string, WindowedRule] => [rule.id, rule]),
  )
  const queries: RuleQuery[] = []
  for (const report of reports) {
    const rule = rules.get(report.ruleId)
    const window = report.windows[0]
    if (!rule || !window) continue
    const median = async (evaluate: () => Promise<unknown>) => {
      const times: number[] = []
      for (let repeat = 0; repeat < repeats; repeat++) {
        const began = performance.now()
        await evaluate()
        times.push(performance.now() - began)
      }
      return percentile(
        times.sort((a, b) => a - b),
        50,
      )
    }
    queries.push({
      ruleId: report.ruleId,
      windowMinutes: (window.to.getTime() - window.from.getTime()) / MINUTE_MS,
      candidates: report.candidates,
      queryMs: await median(() => evaluateWindow(rig.store, rule, window)),
      rangeQueryMs: await median(() => evaluateWindows(rig.store, rule, [window])),
    })
  }
  return queries
}

/** Inserts `rows` rows into the bucket ending at `bucketEnd`, ticks the scheduler for it, waits for the webhook. */
export async function measureBucket(
  rig: Rig,
  templates: { rows: readonly AuditRow[]; bucketEnd: number },
  bucket: { end: number; rows: number; queryRepeats: number },
  problems: string[],
): Promise<WindowRun> {
  const copies = Math.ceil(bucket.rows / templates.rows.length)
  const began = performance.now()
  await insertBucket(rig, bucket.end, bucketRows(templates.rows, templates.bucketEnd, bucket.end, copies))
  const insertSeconds = (performance.now() - began) / 1000
  const stored = await storedRows(rig, bucket.end)
  const rows = copies * templates.rows.length
  const where = `bucket of ${rows.toLocaleString('en-US')} rows`
  if (stored.bucket !== rows) problems.push(`${where}: ${stored.bucket} rows stored in the bucket`)

  const { lagMs } = rig.config.detector
  await rig.detector.scheduler.runOnce(new Date(bucket.end - MINUTE_MS + lagMs + 1_000))
  const started = Date.now()
  const reports = await rig.detector.scheduler.runOnce(new Date(bucket.end + lagMs + 1_000))
  const tickMs = Date.now() - started
  const bucketStart = bucket.end - BUCKET_MS
  const arrival = await rig.endpoints.webhook((candidate) => {
    const firstSeen = Date.parse(candidate.firstSeen)
    return (
      candidate.ruleId === WINDOW_RULE &&
      candidate.group.server_name === FAILING_SERVER &&
      firstSeen >= bucketStart &&
      firstSeen < bucket.end
    )
  }, WEBHOOK_TIMEOUT_MS)
  for (const report of reports) {
    if (report.error) problems.push(`${where}: ${report.ruleId} failed: ${report.error}`)
    else if (report.windows.length !== 1)
      problems.push(
        `${where}: ${report.ruleId} judged ${report.windows.length} windows in the timed tick, expected 1`,
      )
  }
  if (!arrival)
    problems.push(
      `${where}: no ${WINDOW_RULE} webhook for ${FAILING_SERVER} within ${WEBHOOK_TIMEOUT_MS / 1000} s`,
    )
  else if (!arrival.verified)
    problems.push(`${where}: webhook signature not verified (${arrival.reason ?? ''})`)
  const writtenAt = arrival ? rig.alertWrittenAt.get(arrival.alertId) : undefined
  return {
    rows: stored.bucket,
    tableRows: stored.table,
    insertSeconds,
    tickMs,
    alertWrittenMs: writtenAt === undefined ? Number.NaN : writtenAt - started,
    webhookMs: arrival ? arrival.receivedAt - started : Number.NaN,
    candidates: reports
      .filter((r) => r.candidates > 0)
      .map((r) => ({ ruleId: r.ruleId, candidates: r.candidates })),
    queries: await timeQueries(rig, reports, bucket.queryRepeats),
  }
}
