import type { Command } from 'commander'
import { startConsole } from '../../console/service.js'
import { openStore } from '../../platform/clickhouse.js'
import { ConfigError, requireBrokers } from '../../platform/config.js'
import { createKafka } from '../../platform/kafka/client.js'
import { Lifecycle } from '../../platform/lifecycle.js'
import { createMetricsRegistry } from '../../platform/metrics.js'
import { migrate } from '../../platform/migrations.js'
import { createKafkaSelfAudit } from '../../platform/self-audit.js'
import { createReports, loadSigningKey } from '../../reporter/index.js'
import { loadRuntime } from '../runtime.js'

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'run the read API and web console alone (server mode, port 8081): needs KAFKA_BROKERS (its calls are audited), CLICKHOUSE_URL and tenants with read or admin tokens',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      const brokers = requireBrokers(config, 'the console (it records every API call through Kafka)')
      if (!config.tenants.some((tenant) => tenant.tokens.some((token) => token.scope !== 'ingest'))) {
        throw new ConfigError(
          'tenants: no tenant has a read or admin token: add tenants[].tokens with scope read or admin',
          'tenants',
        )
      }
      const lifecycle = new Lifecycle(logger)
      lifecycle.handleSignals()
      const store = openStore(config)
      lifecycle.register('clickhouse', store.close)
      await migrate(store, logger)
      const selfAudit = createKafkaSelfAudit(
        createKafka({ brokers, clientId: config.kafka.clientId }, logger),
        config,
        logger,
      )
      lifecycle.register('self-audit', () => selfAudit.stop())
      // Reports are read from and written to <dataDir>/reports, shared with the reporter (a volume).
      const reports = createReports({
        config,
        store,
        logger,
        selfAudit,
        signingKey: loadSigningKey(config, logger),
      })
      const service = await startConsole({
        config,
        store,
        logger,
        registry: createMetricsRegistry(),
        lifecycle,
        selfAudit,
        reports,
      })
      console.log(`console listening on ${service.url}`)
    })
}
