import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
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
    selfAudit: options.selfAudit,
    adminQuery,
    ...(options.reports ? { reports: options.reports } : {}),
  })
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.console.port, config.console.host, () => resolve(listening))
    listening.once('error', reject)
  })
  lifecycle.register(
    'console',
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  )
  const { port } = server.address() as AddressInfo
  const host = config.console.host === '0.0.0.0' ? '127.0.0.1' : config.console.host
  const url = `http://${host}:${port}`
  logger.info({ url }, 'console_started')
  return { url }
}
