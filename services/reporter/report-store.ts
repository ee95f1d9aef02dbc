import { ReportRow } from '../../schemas/report.js'
import type { Store } from '../platform/clickhouse.js'
import { reportRowsTable } from '../platform/store/reports.js'
import { clickhouseTime } from '../platform/store/time.js'
import { isoFromCh, queryRows } from './query.js'
import type { ReportFile, ReportFormat, ReportRecord } from './types.js'

/** The `reports` table: one row per generated (or failed) report. */

export interface StoredReport extends ReportRecord {
  directory: string
  /** The tenant's frameworks the report covered, and the manifest's signature (for the export). */
  frameworks?: readonly string[]
  signature?: { key_id: string; value: string }
  /** When the report was ready (its row written); created_at when absent. */
  ready_at?: string
}

function toRecord(row: ReportRow): StoredReport {
  let files: ReportFile[] = []
  try {
    files = JSON.parse(row.files) as ReportFile[]
  } catch {
    files = []
  }
  return {
    report_id: row.report_id,
    tenant_id: row.tenant_id,
    name: row.name,
    schedule: row.schedule,
    period_from: isoFromCh(row.period_from) ?? row.period_from,
    period_to: isoFromCh(row.period_to) ?? row.period_to,
    timezone: row.timezone,
    formats: row.formats,
    status: row.status,
    error: row.error,
    created_at: isoFromCh(row.created_at) ?? row.created_at,
    created_by: row.created_by,
    files,
    checks: { pass: row.checks_pass, warn: row.checks_warn, fail: row.checks_fail },
    manifest_sha256: row.manifest_sha256,
    directory: row.directory,
  }
}

// DateTime64 and Enum columns come back as text in JSONEachRow; no alias may shadow a column used in WHERE.
const COLUMNS = `report_id, tenant_id, name, schedule, period_from, period_to, timezone, formats, status, error,
  created_at, created_by, files, checks_pass, checks_warn, checks_fail, manifest_sha256, directory`

export interface ReportsTable {
  insert(report: StoredReport): Promise<void>
  list(tenantId: string, limit: number): Promise<StoredReport[]>
  get(tenantId: string, reportId: string): Promise<StoredReport | undefined>
  /** The newest ready report of a schedule for a period, to skip a run that already happened. */
  findScheduled(tenantId: string, schedule: string, from: Date, to: Date): Promise<StoredReport | undefined>
  /** Reports of every tenant created before `before`, oldest first (the retention sweep's work). */
  createdBefore(before: Date, limit: number): Promise<StoredReport[]>
  /** Deletes reports' rows of one tenant (a lightweight DELETE: reads stop seeing them at once). */
  remove(tenantId: string, reportIds: readonly string[]): Promise<void>
}

export function reportsTable(store: Store): ReportsTable {
  const stored = reportRowsTable(store)
  const table = stored.name
  const parse = (rows: unknown[]) => rows.map((row) => toRecord(ReportRow.parse(row)))
  return {
    async insert(report) {
      await stored.insert([
        {
          report_id: report.report_id,
          tenant_id: report.tenant_id,
          name: report.name,
          schedule: report.schedule,
          period_from: clickhouseTime(new Date(report.period_from)),
          period_to: clickhouseTime(new Date(report.period_to)),
          timezone: report.timezone,
          formats: report.formats satisfies ReportFormat[],
          status: report.status,
          error: report.error,
          created_at: clickhouseTime(new Date(report.created_at)),
          created_by: report.created_by,
          files: JSON.stringify(report.files),
          checks_pass: report.checks.pass,
          checks_warn: report.checks.warn,
          checks_fail: report.checks.fail,
          manifest_sha256: report.manifest_sha256,
          directory: report.directory,
          frameworks: [...(report.frameworks ?? [])],
          signature_key_id: report.signature?.key_id ?? '',
          signature: report.signature?.value ?? '',
          ready_at: clickhouseTime(new Date(report.ready_at ?? report.created_at)),
        },
      ])
    },
    async list(tenantId, limit) {
      return parse(
        await queryRows(
          store,
          `SELECT ${COLUMNS} FROM ${table} FINAL WHERE tenant_id = {tenant:String}
           ORDER BY created_at DESC, report_id DESC LIMIT {limit:UInt32}`,
          { tenant: tenantId, limit },
        ),
      )
    },
    async get(tenantId, reportId) {
      const rows = parse(
        await queryRows(
          store,
          `SELECT ${COLUMNS} FROM ${table} FINAL WHERE tenant_id = {tenant:String} AND report_id = {id:String} LIMIT 1`,
          { tenant: tenantId, id: reportId },
        ),
      )
      return rows[0]
    },
    async findScheduled(tenantId, schedule, from, to) {
      const rows = parse(
        await queryRows(
          store,
          `SELECT ${COLUMNS} FROM ${table} FINAL
           WHERE tenant_id = {tenant:String} AND schedule = {schedule:String} AND status = 'ready'
             AND period_from = {from:DateTime64(3, 'UTC')} AND period_to = {to:DateTime64(3, 'UTC')}
           ORDER BY created_at DESC LIMIT 1`,
          { tenant: tenantId, schedule, from: clickhouseTime(from), to: clickhouseTime(to) },
        ),
      )
      return rows[0]
    },
    async createdBefore(before, limit) {
      return parse(
        await queryRows(
          store,
          `SELECT ${COLUMNS} FROM ${table} FINAL WHERE created_at < {before:DateTime64(3, 'UTC')}
           ORDER BY created_at, tenant_id, report_id LIMIT {limit:UInt32}`,
          { before: clickhouseTime(before), limit },
        ),
      )
    },
    async remove(tenantId, reportIds) {
      if (reportIds.length === 0) return
      await store.client.command({
        query: `DELETE FROM ${table} WHERE tenant_id = {tenant:String} AND report_id IN {ids:Array(String)}`,
        query_params: { tenant: tenantId, ids: reportIds },
      })
    },
  }
}
