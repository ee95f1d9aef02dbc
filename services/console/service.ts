import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { listen } from '../platform/ops-server.js'
import type { SelfAudit } from '../platform/self-audit.js'
import type { Reports } from '../reporter/index.js'
import { createAdminQuery } from './admin-query.js'
import { createConsoleApp } from './app.js'

export interface ConsoleOptions {
  config: AppConfig
  store: Store
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  selfAudit: SelfAudit
  reports?: Reports
}

export interface ConsoleHandle {
  url: string
}

/** The read API and web console on `console.port` (8081). */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleHandle> {
  const { config, store, logger, lifecycle } = options
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
    ...(options.reports ? { reports: options.reports } : {}),
  })
  const { url, close } = await listen(app, config.console.port, config.console.host)
  lifecycle.register('console', close)
  logger.info({ url }, 'console_started')
  return { url }
}
