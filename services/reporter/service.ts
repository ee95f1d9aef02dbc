import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import type { SelfAudit } from '../platform/self-audit.js'
import { createReportNotifier } from './notify.js'
import { reportsTable } from './report-store.js'
import { createReports } from './reports.js'
import { createReportScheduler, type ReportScheduler } from './scheduler.js'
import { loadSigningKey } from './signing-key.js'
import type { Reports, SigningKey } from './types.js'

export interface Reporter {
  reports: Reports
  scheduler: ReportScheduler
  signingKey: SigningKey
}

/** The reporter inside `mcp-audit start` or alone (`mcp-audit reporter`): schedules, catch-up, on-demand API. */
export function startReporter(deps: {
  config: AppConfig
  store: Store
  logger: Logger
  lifecycle: Lifecycle
  selfAudit: SelfAudit
}): Reporter {
  const { config, store, logger, lifecycle, selfAudit } = deps
  const signingKey = loadSigningKey(config, logger)
  const reports = createReports({ config, store, logger, selfAudit, signingKey })
  const scheduler = createReportScheduler({
    config,
    reports,
    table: reportsTable(store),
    notifier: createReportNotifier(config, logger),
    logger,
  })
  scheduler.start()
  lifecycle.register('reporter', () => scheduler.stop())
  lifecycle.health.register('reporter-scheduler', () => scheduler.health())
  return { reports, scheduler, signingKey }
}
