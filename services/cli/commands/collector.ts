import type { Command } from 'commander'
import { ConfigError, requireBrokers } from '../../platform/config.js'
import { loadRuntime, serve } from '../runtime.js'

export function registerCollector(program: Command): void {
  program
    .command('collector')
    .description(
      'run the HTTP collector alone (server mode): needs KAFKA_BROKERS and tenants with ingest tokens',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      requireBrokers(config, 'the collector')
      if (!config.tenants.some((tenant) => tenant.tokens.some((token) => token.scope === 'ingest'))) {
        throw new ConfigError(
          'tenants: no tenant has an ingest token: add tenants[].tokens with scope ingest to the config',
          'tenants',
        )
      }
      const runtime = await serve(
        { config, logger },
        { kafka: 'required', store: false, what: 'the collector' },
        () => ({ services: ['collector'] }),
      )
      console.log(
        `collector listening on ${runtime.collector!.url}; metrics on ${runtime.collector!.metricsUrl}`,
      )
    })
}
