import { rmSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '../../schemas/config.js'
import type { Logger } from '../platform/logger.js'
import type { SelfAudit } from '../platform/self-audit.js'
import type { ReportsTable, StoredReport } from './report-store.js'
import { reportsRoot } from './signing-key.js'

/**
 * Report retention: reports created more than `reporter.keepDays` ago lose their files and then
 * their row, each deletion recorded as a `report.delete` self-audit event. Files are removed only
 * under `<dataDir>/reports/<tenant>/` (a CLI `--out` copy elsewhere is the operator's); a row
 * whose files could not be removed stays, so the next sweep tries again.
 */

export interface ReportRetention {
  /** Deletes what is due at `now`; resolves with the number of reports deleted. */
  sweep(now?: Date): Promise<number>
  /** Sweeps now and then every `intervalMs`. */
  start(): void
  stop(): Promise<void>
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** Reports read per query of the sweep (their rows deleted with one query per tenant); repeated until none is due. */
const SWEEP_BATCH = 200

export function createReportRetention(deps: {
  config: AppConfig
  table: ReportsTable
  selfAudit: SelfAudit
  logger: Logger
  intervalMs?: number
}): ReportRetention {
  const { config, table, selfAudit } = deps
  const log = deps.logger.child({ component: 'reporter-retention' })
  const root = path.resolve(reportsRoot(config))
  const keepDays = config.reporter.keepDays
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()

  async function sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - keepDays * DAY_MS)
    let deleted = 0
    for (;;) {
      const deletedBefore = deleted
      const due = await table.createdBefore(before, SWEEP_BATCH)
      const filesRemoved = new Map<StoredReport, string[]>()
      for (const report of due) {
        const directory = path.resolve(report.directory)
        const ours = directory.startsWith(`${path.join(root, report.tenant_id)}${path.sep}`)
        try {
          if (ours) rmSync(directory, { recursive: true, force: true })
          filesRemoved.set(report, ours ? report.files.map((f) => f.name) : [])
        } catch (err) {
          log.warn(
            { err, report_id: report.report_id, tenant_id: report.tenant_id },
            'report_files_not_deleted',
          )
        }
      }
      const byTenant = new Map<string, StoredReport[]>()
      for (const report of filesRemoved.keys()) {
        byTenant.set(report.tenant_id, [...(byTenant.get(report.tenant_id) ?? []), report])
      }
      for (const [tenantId, expired] of byTenant) {
        try {
          await table.remove(
            tenantId,
            expired.map((r) => r.report_id),
          )
        } catch (err) {
          log.warn({ err, tenant_id: tenantId, reports: expired.length }, 'report_rows_not_deleted')
          continue
        }
        deleted += expired.length
        for (const report of expired) recordDeletion(report, filesRemoved.get(report) ?? [])
      }
      if (due.length < SWEEP_BATCH || deleted === deletedBefore) break
    }
    if (deleted > 0) log.info({ deleted, keep_days: keepDays }, 'reports_expired_deleted')
    return deleted
  }

  function recordDeletion(report: StoredReport, filesDeleted: string[]): void {
    selfAudit.record({
      tenantId: report.tenant_id,
      action: 'report.delete',
      actor: 'retention',
      actorRole: 'system',
      outcome: 'success',
      resource: `report:${report.report_id}`,
      details: {
        name: report.name,
        created_at: report.created_at,
        from: report.period_from,
        to: report.period_to,
        keep_days: keepDays,
        files_deleted: filesDeleted,
      },
    })
  }

  const tick = () => {
    running = running
      .then(() => sweep())
      .catch((err: unknown) => log.error({ err }, 'report_retention_failed'))
  }

  return {
    sweep,
    start() {
      tick()
      timer = setInterval(tick, deps.intervalMs ?? HOUR_MS)
      timer.unref()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await running
    },
  }
}
