import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { exportStatus } from '../platform/store/export-sink-status.js'
import { listen, startOpsServer } from '../platform/ops-server.js'
import type { SelfAudit } from '../platform/self-audit.js'
import type { Reports } from '../reporter/index.js'
import { createAdminQuery } from './admin-query.js'
import { trustedSealPublicKey } from '../integrity/index.js'
import { createConsoleApp } from './app.js'
import type { ExportStatusDeps } from './export-route.js'
import type { LiveSinkStatus } from './export-status.js'

export interface ConsoleOptions {
  config: AppConfig
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  selfAudit: SelfAudit
  reports?: Reports
  /** The exporter's sink status when it runs in this process. */
  exportStatus?: () => readonly LiveSinkStatus[]
}

export interface ConsoleHandle {
  url: string
  /** Where `/metrics` is served (with `/healthz` and `/readyz`): `console.metricsPort`. */
  metricsUrl: string
}

/** Where the export page's status comes from: the exporter's loops in this process (`start`), else the store. */
function exportStatusDeps(options: ConsoleOptions): ExportStatusDeps {
  const { config, store } = options
  return {
    sinks: config.export.sinks,
    unhealthyAfterSeconds: config.export.unhealthyAfterSeconds,
    saved: () => exportStatus(store, config),
    ...(options.exportStatus ? { live: options.exportStatus } : {}),
  }
}

/** The read API and web console on `console.port` (8081). */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleHandle> {
  const { config, store, logger, lifecycle } = options
  // Registered before the API port, so Prometheus can scrape until the console has stopped.
  const ops = await startOpsServer({
    port: config.console.metricsPort,
    host: config.console.metricsHost,
    registry: options.registry,
    health: lifecycle.health,
  })
  lifecycle.register('console-metrics-http', ops.close)
  const adminQuery = createAdminQuery({ store, config })
  lifecycle.register('console-query-session', () => adminQuery.close())
  const app = createConsoleApp({
    config,
    store,
    logger,
    registry: options.registry,
    health: lifecycle.health,
    selfAudit: options.selfAudit,
    adminQuery,
    integrity: {
      publicKey: () => trustedSealPublicKey(config),
      sealIntervalSeconds: config.integrity.sealIntervalSeconds,
    },
    exportStatus: exportStatusDeps(options),
    ...(options.reports ? { reports: options.reports } : {}),
  })
  const { url, close } = await listen(app, config.console.port, config.console.host)
  lifecycle.register('console', close)
  logger.info({ url, metricsPort: ops.port }, 'console_started')
  return { url, metricsUrl: ops.url }
}
