import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import type { SelfAudit } from '../platform/self-audit.js'
import { createDeliveryOutbox } from '../webhooks/index.js'
import { createAnchorSchedule, type AnchorSchedule } from './anchor.js'
import { createReportNotifier } from './notify.js'
import { reportsTable } from './report-store.js'
import { createReports } from './reports.js'
import { createReportRetention, type ReportRetention } from './retention.js'
import { createReportScheduler, type ReportScheduler } from './scheduler.js'
import { loadSigningKey } from './signing-key.js'
import type { Reports, SigningKey } from './types.js'

export interface Reporter {
  reports: Reports
  scheduler: ReportScheduler
  retention: ReportRetention
  signingKey: SigningKey
  /** The integrity anchors' schedule, when `integrity.anchor` is configured. */
  anchors?: AnchorSchedule
}

/**
 * The reporter inside `mcp-audit start` or alone (`mcp-audit reporter`): schedules, catch-up,
 * on-demand API, report retention, the integrity anchors (`integrity.anchor`), and the delivery of
 * its report notices and anchors through the webhook outbox.
 */
export function startReporter(deps: {
  config: AppConfig
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  selfAudit: SelfAudit
}): Reporter {
  const { config, store, logger, registry, lifecycle, selfAudit } = deps
  const signingKey = loadSigningKey(config, logger)
  const reports = createReports({ config, store, logger, selfAudit, signingKey })
  const outbox = createDeliveryOutbox({
    store,
    webhooks: config.alerts.webhooks,
    allowPrivateNetworks: config.alerts.allowPrivateNetworks,
    logger,
    registry,
    delivers: ['report.ready', 'integrity.anchor'],
  })
  outbox.start()
  lifecycle.register('reporter-delivery', () => outbox.stop())
  const scheduler = createReportScheduler({
    config,
    reports,
    table: reportsTable(store),
    notifier: createReportNotifier(outbox, config.console.publicUrl),
    logger,
  })
  scheduler.start()
  lifecycle.register('reporter', () => scheduler.stop())
  lifecycle.health.register('reporter-scheduler', () => scheduler.health())
  const retention = createReportRetention({ config, table: reportsTable(store), selfAudit, logger })
  retention.start()
  lifecycle.register('reporter-retention', () => retention.stop())
  const anchor = config.integrity.anchor
  if (!anchor) return { reports, scheduler, retention, signingKey }
  const anchors = createAnchorSchedule({
    anchor,
    tenantIds: config.tenants.map((tenant) => tenant.id),
    store,
    outbox,
    logger,
  })
  anchors.start()
  lifecycle.register('integrity-anchor', () => anchors.stop())
  lifecycle.health.register('integrity-anchor', () => anchors.health())
  return { reports, scheduler, retention, signingKey, anchors }
}
