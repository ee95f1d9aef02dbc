import path from 'node:path'
import type { Command } from 'commander'
import type { Store } from '../../platform/clickhouse.js'
import { AUDIT_EVENTS } from '../../platform/store/audit-events.js'
import { tableName } from '../../platform/store/table.js'
import type { Runtime } from '../../runtime/index.js'
import { createKafka } from '../../platform/kafka/client.js'
import { consumerLag } from '../../platform/kafka/topics.js'
import { demoTarget, runDemo, withDemoSettings, type DemoTarget } from '../demo.js'
import { loadRuntime, serve } from '../runtime.js'

function printBanner(runtime: Runtime, store: Store): void {
  const { config, brokers, devTenant, localKafka } = runtime.context
  const urlOf = (name: string) => runtime.started.find((service) => service.name === name)?.detail ?? ''
  const lines = [
    '',
    'mcp-audit is running',
    `  kafka:       ${brokers.join(', ')}${localKafka ? ' (local broker)' : ''}`,
    `  clickhouse:  ${store.mode === 'embedded' ? `embedded at ${store.location}` : store.location} (database ${store.database})`,
    `  data dir:    ${path.resolve(config.dataDir)}`,
    ...runtime.started.map((service) => `  ${`${service.name}:`.padEnd(12)} ${service.detail ?? 'running'}`),
  ]
  if (devTenant) {
    lines.push(
      `  dev tenant:  ${devTenant.tenantId}`,
      `  ingest token (dev): ${devTenant.ingestToken}`,
      `    try: curl -H 'Authorization: Bearer ${devTenant.ingestToken}' -H 'Content-Type: application/json' \\`,
      `         -d '{"timestamp":"${new Date().toISOString()}","method":"tools/call","server":{"name":"filesystem"},"tool":"read_file"}' \\`,
      `         ${urlOf('collector')}/v1/events`,
      `  admin token  (dev): ${devTenant.adminToken}`,
      `    sign in to the console (${urlOf('console')}) with it`,
      `  (kept in ${path.join(path.resolve(config.dataDir), 'dev-tokens.json')}; configure tenants for production)`,
    )
  }
  lines.push('Press Ctrl-C to stop.', '')
  console.log(lines.join('\n'))
}

/** Events of the tenant's own traffic (not mcp-audit's self-audit) already in the store. */
async function storedEvents(store: Store): Promise<number> {
  const result = await store.client.query({
    query: `SELECT count() AS n FROM ${tableName(store.database, AUDIT_EVENTS)} WHERE origin = 'gateway'`,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string }>()
  return Number(row?.n ?? 0)
}

async function startDemo(runtime: Runtime, store: Store, target: DemoTarget): Promise<void> {
  const collectorUrl = runtime.collector?.url
  const consoleUrl = runtime.console?.url ?? ''
  if (!collectorUrl || !runtime.reporter) throw new Error('--demo needs the collector and reporter running')
  const { config, brokers, logger } = runtime.context
  const kafka = createKafka(
    { brokers, clientId: `${config.kafka.clientId}-demo`, security: config.kafka },
    logger,
  )
  console.log(
    `demo: sending a simulated day of ${target.tenantId}'s gateway traffic with every attack scenario…`,
  )
  const result = await runDemo({
    target,
    collectorUrl,
    store,
    reports: runtime.reporter.reports,
    logger: runtime.context.logger,
    uncommitted: () => consumerLag(kafka, config.normalizer.consumerGroup, config.kafka.topics.raw),
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
      let target: DemoTarget | undefined
      const runtime = await serve(
        { config, logger },
        { kafka: 'local', store: true, devTenant: true, what: 'mcp-audit start' },
        (context) => {
          target = flags.demo ? demoTarget(context.config, context.devTenant) : undefined
          if (target) context.config = withDemoSettings(context.config, target)
          return {
            services: ['collector', 'normalizer', 'detector', 'reporter', 'console', 'exporter'],
            allowGeneratedKey: true,
          }
        },
      )
      const store = runtime.context.store!
      try {
        printBanner(runtime, store)
        if (target) {
          // A failed demo leaves the pipeline running: it is only sample data.
          await startDemo(runtime, store, target).catch((err: unknown) => {
            logger.error({ err }, 'demo_failed')
            console.error(`demo failed: ${(err as Error).message}`)
          })
        } else if ((await storedEvents(store)) === 0) {
          console.log(
            'The store is empty. To see data, alerts and a report within a minute, restart with `npm start -- --demo`,\n' +
              'or send simulated traffic from another terminal: npx mcp-audit simulate --rate 50 --duration 60 --scenario all\n',
          )
        }
      } catch (err) {
        await runtime.stop('start_failed')
        throw err
      }
    })
}
