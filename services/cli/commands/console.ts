import type { Command } from 'commander'
import { ConfigError, requireBrokers } from '../../platform/config.js'
import { loadRuntime, serve } from '../runtime.js'

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'run the read API and web console alone (server mode, port 8081): needs KAFKA_BROKERS (its calls are audited), CLICKHOUSE_URL and tenants with read or admin tokens',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      requireBrokers(config, 'the console (it records every API call through Kafka)')
      if (!config.tenants.some((tenant) => tenant.tokens.some((token) => token.scope !== 'ingest'))) {
        throw new ConfigError(
          'tenants: no tenant has a read or admin token: add tenants[].tokens with scope read or admin',
          'tenants',
        )
      }
      // Reports are read from and written to <dataDir>/reports, shared with the reporter (a volume).
      const runtime = await serve(
        { config, logger },
        { kafka: 'required', store: true, what: 'the console' },
        () => ({ services: ['console'] }),
      )
      console.log(`console listening on ${runtime.console!.url}`)
    })
}
