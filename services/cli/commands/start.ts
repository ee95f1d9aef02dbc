import path from 'node:path'
import type { Command } from 'commander'
import type { Registry } from 'prom-client'
import type { AppConfig } from '../../../schemas/config.js'
import { openStore, type Store } from '../../platform/clickhouse.js'
import { withDevTenant, type DevTenant } from '../../platform/dev-tenant.js'
import { createKafka } from '../../platform/kafka/client.js'
import { ensureTopics, pipelineTopics } from '../../platform/kafka/topics.js'
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
import { createKafkaSelfAudit, SELF_AUDIT_SERVER, type SelfAudit } from '../../platform/self-audit.js'
import { AUDIT_EVENTS } from '../../platform/store/audit-events.js'
import { tableName } from '../../platform/store/table.js'
import { startReporter, type Reporter } from '../../reporter/service.js'
import { demoTarget, runDemo, withDemoSettings, type DemoTarget } from '../demo.js'
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
    // On a second Ctrl-C the broker still gets its SIGTERM and shuts itself down cleanly.
    lifecycle.onForcedExit('kafka-local', () => {
      if (local.pid > 0) process.kill(local.pid, 'SIGTERM')
    })
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
  platform.reporter = startReporter({ config, store, logger, registry, lifecycle, selfAudit })
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

/** Events of the tenant's own traffic (not mcp-audit's self-audit) already in the store. */
async function storedEvents(platform: Platform): Promise<number> {
  const { store } = platform
  const result = await store.client.query({
    query: `SELECT count() AS n FROM ${tableName(store.database, AUDIT_EVENTS)} WHERE server_name != {self:String}`,
    query_params: { self: SELF_AUDIT_SERVER },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string }>()
  return Number(row?.n ?? 0)
}

async function startDemo(platform: Platform, target: DemoTarget): Promise<void> {
  const collectorUrl = platform.services.find((service) => service.name === 'collector')?.url
  const consoleUrl = platform.services.find((service) => service.name === 'console')?.url ?? ''
  if (!collectorUrl || !platform.reporter) throw new Error('--demo needs the collector and reporter running')
  console.log(
    `demo: sending a simulated day of ${target.tenantId}'s gateway traffic with every attack scenario…`,
  )
  const result = await runDemo({
    target,
    collectorUrl,
    store: platform.store,
    reports: platform.reporter.reports,
    logger: platform.logger,
  })
  console.log(
    [
      `demo: ${result.accepted} events accepted, ${result.stored} stored; ${result.incidents} attack scenarios, ${result.alerts} alerts so far`,
      `  (windowed rules such as bursts, loops and silent gateways work through the day over the next minutes)`,
      result.reportId
        ? `demo: report ${result.reportId} ready: ${consoleUrl}/#/reports`
        : 'demo: the report failed; see the log',
      `demo: open ${consoleUrl} and sign in with the admin token above`,
    ].join('\n'),
  )
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'run everything in one process: a local Kafka unless KAFKA_BROKERS is set, embedded ClickHouse unless CLICKHOUSE_URL is set, migrations and the services',
    )
    .option(
      '--demo',
      'fill the store with a simulated day of gateway traffic (every attack scenario) and generate a report, so there is something to look at',
    )
    .action(async (flags: { demo?: boolean }) => {
      const { config, logger } = loadRuntime()
      const lifecycle = new Lifecycle(logger)
      lifecycle.handleSignals()
      try {
        const platform = await startPlatform(config, logger, lifecycle)
        const target = flags.demo ? demoTarget(platform.config, platform.devTenant) : undefined
        if (target) platform.config = withDemoSettings(platform.config, target)
        await startServices(platform)
        printBanner(platform)
        if (target) {
          // A failed demo leaves the pipeline running: it is only sample data.
          await startDemo(platform, target).catch((err: unknown) => {
            logger.error({ err }, 'demo_failed')
            console.error(`demo failed: ${(err as Error).message}`)
          })
        } else if ((await storedEvents(platform)) === 0) {
          console.log(
            'The store is empty. To see data, alerts and a report within a minute, restart with `npm start -- --demo`,\n' +
              'or send simulated traffic from another terminal: npx mcp-audit simulate --rate 50 --duration 60 --scenario all\n',
          )
        }
      } catch (err) {
        await lifecycle.stop('start_failed')
        throw err
      }
    })
}
