import { rmSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '../../schemas/config.js'
import type { Logger } from '../platform/logger.js'
import type { SelfAudit } from '../platform/self-audit.js'
import type { ReportsTable } from './report-store.js'
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
/** Reports deleted per query of the sweep; the sweep repeats until none is due. */
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
      const due = await table.createdBefore(before, SWEEP_BATCH)
      let progressed = false
      for (const report of due) {
        const started = performance.now()
        const tenantRoot = path.join(root, report.tenant_id)
        const directory = path.resolve(report.directory)
        const ours = directory.startsWith(`${tenantRoot}${path.sep}`)
        try {
          if (ours) rmSync(directory, { recursive: true, force: true })
          await table.remove(report.tenant_id, report.report_id)
        } catch (err) {
          log.warn({ err, report_id: report.report_id, tenant_id: report.tenant_id }, 'report_delete_failed')
          continue
        }
        progressed = true
        deleted += 1
        selfAudit.record({
          tenantId: report.tenant_id,
          action: 'report.delete',
          actor: 'retention',
          actorRole: 'system',
          outcome: 'success',
          resource: `report:${report.report_id}`,
          durationMs: performance.now() - started,
          details: {
            name: report.name,
            created_at: report.created_at,
            from: report.period_from,
            to: report.period_to,
            keep_days: keepDays,
            files_deleted: ours ? report.files.map((f) => f.name) : [],
          },
        })
      }
      if (due.length < SWEEP_BATCH || !progressed) break
    }
    if (deleted > 0) log.info({ deleted, keep_days: keepDays }, 'reports_expired_deleted')
    return deleted
  }

  const tick = () => {
    running = running.then(() => sweep()).catch((err: unknown) => log.error({ err }, 'report_retention_failed'))
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
