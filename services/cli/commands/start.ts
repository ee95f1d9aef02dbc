import path from 'node:path'
import type { Command } from 'commander'
import type { Registry } from 'prom-client'
import type { AppConfig } from '../../../schemas/config.js'
import { openStore, type Store } from '../../platform/clickhouse.js'
import { withDevTenant, type DevTenant } from '../../platform/dev-tenant.js'
import { createKafka, ensureTopics, pipelineTopics } from '../../platform/kafka.js'
import { Lifecycle } from '../../platform/lifecycle.js'
import { startLocalKafka } from '../../platform/local-kafka.js'
import type { Logger } from '../../platform/logger.js'
import { createMetricsRegistry } from '../../platform/metrics.js'
import { migrate } from '../../platform/migrations.js'
import { startCollector } from '../../collector/service.js'
import { startConsole } from '../../console/service.js'
import { startDetector } from '../../detector/service.js'
import { createMcpMetrics } from '../../normalizer/mcp-metrics.js'
import { startNormalizer } from '../../normalizer/service.js'
import { resolvePseudonymizationKey } from '../../platform/pseudonymization-key.js'
import { createKafkaSelfAudit, type SelfAudit } from '../../platform/self-audit.js'
import { startReporter, type Reporter } from '../../reporter/service.js'
import { loadRuntime } from '../runtime.js'

export interface Platform {
  config: AppConfig
  logger: Logger
  lifecycle: Lifecycle
  brokers: string[]
  store: Store
  registry: Registry
  devTenant?: DevTenant
  /** Records what mcp-audit's own users do (reports generated and downloaded, console calls). */
  selfAudit?: SelfAudit
  reporter?: Reporter
  /** Services started so far, with the URL each listens on (when it does). */
  services: Array<{ name: string; url?: string }>
}

/** Brings up what every service needs: Kafka (local when none is configured), the store, migrations, topics. */
export async function startPlatform(
  baseConfig: AppConfig,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<Platform> {
  const { config, devTenant } = withDevTenant(baseConfig)
  let brokers = config.kafka.brokers ?? []
  if (brokers.length === 0) {
    const local = await startLocalKafka({
      dir: path.join(config.dataDir, 'kafka'),
      port: config.kafka.localPort,
      partitions: config.kafka.partitions,
      logger,
    })
    lifecycle.register('kafka-local', local.stop)
    brokers = local.brokers
  }

  const store = openStore(config)
  lifecycle.register('clickhouse', store.close)
  await migrate(store, logger)

  const kafka = createKafka({ brokers, clientId: config.kafka.clientId }, logger)
  const created = await ensureTopics(kafka, pipelineTopics(config))
  if (created.length > 0) logger.info({ topics: created }, 'kafka_topics_created')
  const registry = createMetricsRegistry()
  return {
    config,
    logger,
    lifecycle,
    brokers,
    store,
    registry,
    services: [],
    ...(devTenant ? { devTenant } : {}),
  }
}

/** Starts every service that exists in this process, in pipeline order. */
export async function startServices(platform: Platform): Promise<void> {
  const { config, brokers, logger, registry, lifecycle, store } = platform
  // Started in pipeline order and stopped in reverse: the collector stops taking events first.
  const pseudonymizationKey = resolvePseudonymizationKey(config, { allowGenerated: true })
  const detector = startDetector({ config, store, logger, registry, lifecycle })
  platform.services.push({ name: 'detector', url: `${detector.parts.rules.length} rules` })
  const mcpMetrics = createMcpMetrics(registry)
  await startNormalizer({
    config,
    brokers,
    store,
    logger,
    registry,
    lifecycle,
    pseudonymizationKey,
    onRowsStored: async (rows) => {
      mcpMetrics.observe(rows)
      await detector.inspectRows(rows)
    },
  })
  platform.services.push({ name: 'normalizer' })
  const collector = await startCollector({ config, brokers, logger, registry, lifecycle })
  platform.services.push({ name: 'collector', url: collector.url })
  const selfAudit = createKafkaSelfAudit(
    createKafka({ brokers, clientId: config.kafka.clientId }, logger),
    config,
    logger,
  )
  lifecycle.register('self-audit', () => selfAudit.stop())
  platform.selfAudit = selfAudit
  platform.reporter = startReporter({ config, store, logger, lifecycle, selfAudit })
  platform.services.push({
    name: 'reporter',
    url: `${config.reports.length} schedule(s); signing key ${platform.reporter.signingKey.keyId}`,
  })
  const consoleService = await startConsole({
    config,
    store,
    logger,
    registry,
    lifecycle,
    selfAudit,
    reports: platform.reporter.reports,
  })
  platform.services.push({ name: 'console', url: consoleService.url })
}

function printBanner(platform: Platform): void {
  const { config, store, brokers, devTenant } = platform
  const lines = [
    '',
    'mcp-audit is running',
    `  kafka:       ${brokers.join(', ')}${config.kafka.brokers ? '' : ' (local broker)'}`,
    `  clickhouse:  ${store.mode === 'embedded' ? `embedded at ${store.location}` : store.location} (database ${store.database})`,
    `  data dir:    ${path.resolve(config.dataDir)}`,
    ...platform.services.map((service) => `  ${`${service.name}:`.padEnd(12)} ${service.url ?? 'running'}`),
  ]
  if (devTenant) {
    lines.push(
      `  dev tenant:  ${devTenant.tenantId}`,
      `  ingest token (dev): ${devTenant.ingestToken}`,
      `    try: curl -H 'Authorization: Bearer ${devTenant.ingestToken}' -H 'Content-Type: application/json' \\`,
      `         -d '{"timestamp":"${new Date().toISOString()}","method":"tools/call","server":{"name":"filesystem"},"tool":"read_file"}' \\`,
      `         ${platform.services.find((s) => s.name === 'collector')?.url ?? ''}/v1/events`,
      `  admin token  (dev): ${devTenant.adminToken}`,
      `    sign in to the console (${platform.services.find((s) => s.name === 'console')?.url ?? ''}) with it`,
      `  (kept in ${path.join(path.resolve(config.dataDir), 'dev-tokens.json')}; configure tenants for production)`,
    )
  }
  lines.push('Press Ctrl-C to stop.', '')
  console.log(lines.join('\n'))
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'run everything in one process: a local Kafka unless KAFKA_BROKERS is set, embedded ClickHouse unless CLICKHOUSE_URL is set, migrations and the services',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      const lifecycle = new Lifecycle(logger)
      lifecycle.handleSignals()
      try {
        const platform = await startPlatform(config, logger, lifecycle)
        await startServices(platform)
        printBanner(platform)
      } catch (err) {
        await lifecycle.stop('start_failed')
        throw err
      }
    })
}
