import type { Command } from 'commander'
import { startCollector } from '../../collector/service.js'
import { ConfigError, requireBrokers } from '../../platform/config.js'
import { createKafka } from '../../platform/kafka/client.js'
import { ensureTopics, pipelineTopics } from '../../platform/kafka/topics.js'
import { Lifecycle } from '../../platform/lifecycle.js'
import { createMetricsRegistry } from '../../platform/metrics.js'
import { loadRuntime } from '../runtime.js'

export function registerCollector(program: Command): void {
  program
    .command('collector')
    .description(
      'run the HTTP collector alone (server mode): needs KAFKA_BROKERS and tenants with ingest tokens',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      const brokers = requireBrokers(config, 'the collector')
      if (!config.tenants.some((tenant) => tenant.tokens.some((token) => token.scope === 'ingest'))) {
        throw new ConfigError(
          'tenants: no tenant has an ingest token: add tenants[].tokens with scope ingest to the config',
          'tenants',
        )
      }
      const lifecycle = new Lifecycle(logger)
      lifecycle.handleSignals()
      await ensureTopics(
        createKafka({ brokers, clientId: config.kafka.clientId }, logger),
        pipelineTopics(config),
      )
      const collector = await startCollector({
        config,
        brokers,
        logger,
        registry: createMetricsRegistry(),
        lifecycle,
      })
      console.log(`collector listening on ${collector.url}`)
    })
}
