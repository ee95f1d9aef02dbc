import type { Command } from 'commander'
import { loadRuntime, serve } from '../runtime.js'

export function registerCollector(program: Command): void {
  program
    .command('collector')
    .description(
      'run the HTTP collector alone (server mode): needs KAFKA_BROKERS and tenants with ingest tokens',
    )
    .action(async () => {
      const { config, logger } = loadRuntime()
      if ((config.kafka.brokers ?? []).length === 0) {
        throw new Error(
          'the collector needs Kafka: set KAFKA_BROKERS (or kafka.brokers), or use `mcp-audit start`',
        )
      }
      if (!config.tenants.some((tenant) => tenant.tokens.some((token) => token.scope === 'ingest'))) {
        throw new Error('no tenant has an ingest token: add tenants[].tokens with scope ingest to the config')
      }
      const runtime = await serve(
        { config, logger },
        { kafka: 'required', store: false, what: 'the collector' },
        () => ({ services: ['collector'] }),
      )
      console.log(`collector listening on ${runtime.collector!.url}`)
    })
}
