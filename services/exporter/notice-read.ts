import type { Store } from '../platform/clickhouse.js'
import { alertsTable } from '../platform/store/alerts.js'
import type { RecordPosition } from '../platform/store/export-record-checkpoints.js'
import { reportRowsTable } from '../platform/store/reports.js'
import { clickhouseTime } from '../platform/store/time.js'
import { TENANT_SCOPE, tenantParams } from './read.js'

/**
 * Reads of alerts and ready reports for export, in (time, id) order after a sink's position and
 * up to a fence (see notice-stream.ts). Alerts are ordered by `created_at`, which every version of
 * an incident shares, so an incident is read once whatever its later updates; its current version
 * (FINAL) is what is sent. Reports by `ready_at` (0010): their row is written when rendering ends.
 */

type Client = Store['client']
type Scope = Pick<Store, 'client' | 'database'>

export interface StoredAlert {
  alert_id: string
  tenant_id: string
  rule_id: string
  rule_title: string
  rule_kind: string
  severity: string
  tags: string[]
  group_values: Record<string, string>
  count: number
  value: number | null
  first_ms: number
  last_ms: number
  created_ms: number
  sample_event_ids: string[]
  summary: string
  status: string
}

export interface ReadyReport {
  report_id: string
  tenant_id: string
  name: string
  schedule: string
  period_from_ms: number
  period_to_ms: number
  timezone: string
  frameworks: string[]
  formats: string[]
  checks_pass: number
  checks_warn: number
  checks_fail: number
  manifest_sha256: string
  signature_key_id: string
  signature: string
  ready_ms: number
}

const ms = (column: string, alias: string) => `toString(toUnixTimestamp64Milli(${column})) AS ${alias}`

async function fetch<Row>(client: Client, query: string, params: Record<string, unknown>): Promise<Row[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' })
  return result.json<Row>()
}

function windowParams(after: RecordPosition, fenceMs: number, tenants: readonly string[] | undefined) {
  return {
    after_at: clickhouseTime(after.atMs),
    after_id: after.id,
    fence: clickhouseTime(fenceMs),
    ...tenantParams(tenants),
  }
}

/** Alerts opened after `after` and at or before `fenceMs`, for these tenants, `limit` at most. */
export async function readAlerts(
  store: Scope,
  after: RecordPosition,
  fenceMs: number,
  tenants: readonly string[] | undefined,
  limit: number,
): Promise<StoredAlert[]> {
  // Enums and UInt64 arrive as text; no alias may shadow a column the WHERE reads.
  type Fetched = Omit<
    StoredAlert,
    'severity' | 'status' | 'count' | 'first_ms' | 'last_ms' | 'created_ms'
  > & {
    severity_text: string
    status_text: string
    count_text: string
    first_ms: string
    last_ms: string
    created_ms: string
  }
  const rows = await fetch<Fetched>(
    store.client,
    `SELECT alert_id, tenant_id, rule_id, rule_title, rule_kind, toString(severity) AS severity_text, tags,
        group_values, toString(count) AS count_text, value, ${ms('first_seen', 'first_ms')},
        ${ms('last_seen', 'last_ms')}, ${ms('created_at', 'created_ms')}, sample_event_ids, summary,
        toString(status) AS status_text
      FROM ${alertsTable(store).name} FINAL
      WHERE created_at >= {after_at:DateTime64(3, 'UTC')} AND created_at <= {fence:DateTime64(3, 'UTC')}
        AND (created_at, alert_id) > ({after_at:DateTime64(3, 'UTC')}, {after_id:String})
        AND ${TENANT_SCOPE}
      ORDER BY created_at, alert_id
      LIMIT {limit:UInt32}`,
    { ...windowParams(after, fenceMs, tenants), limit },
  )
  return rows.map(({ severity_text, status_text, count_text, ...row }) => ({
    ...row,
    severity: severity_text,
    status: status_text,
    count: Number(count_text),
    first_ms: Number(row.first_ms),
    last_ms: Number(row.last_ms),
    created_ms: Number(row.created_ms),
  }))
}

/** Reports that were ready after `after` and at or before `fenceMs`, for these tenants. */
export async function readReports(
  store: Scope,
  after: RecordPosition,
  fenceMs: number,
  tenants: readonly string[] | undefined,
  limit: number,
): Promise<ReadyReport[]> {
  type Fetched = Omit<ReadyReport, 'period_from_ms' | 'period_to_ms' | 'ready_ms'> & {
    period_from_ms: string
    period_to_ms: string
    ready_ms: string
  }
  const rows = await fetch<Fetched>(
    store.client,
    `SELECT report_id, tenant_id, name, schedule, ${ms('period_from', 'period_from_ms')},
        ${ms('period_to', 'period_to_ms')}, timezone, frameworks, formats, checks_pass, checks_warn,
        checks_fail, manifest_sha256, signature_key_id, signature, ${ms('ready_at', 'ready_ms')}
      FROM ${reportRowsTable(store).name} FINAL
      WHERE status = 'ready'
        AND ready_at >= {after_at:DateTime64(3, 'UTC')} AND ready_at <= {fence:DateTime64(3, 'UTC')}
        AND (ready_at, report_id) > ({after_at:DateTime64(3, 'UTC')}, {after_id:String})
        AND ${TENANT_SCOPE}
      ORDER BY ready_at, report_id
      LIMIT {limit:UInt32}`,
    { ...windowParams(after, fenceMs, tenants), limit },
  )
  return rows.map((row) => ({
    ...row,
    checks_pass: Number(row.checks_pass),
    checks_warn: Number(row.checks_warn),
    checks_fail: Number(row.checks_fail),
    period_from_ms: Number(row.period_from_ms),
    period_to_ms: Number(row.period_to_ms),
    ready_ms: Number(row.ready_ms),
  }))
}
