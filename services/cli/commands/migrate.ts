import type { Command } from 'commander'
import { openStore } from '../../platform/clickhouse.js'
import { migrate } from '../../platform/migrations.js'
import { loadRuntime } from '../runtime.js'

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply ClickHouse migrations (idempotent: already applied ones are skipped)')
    .action(async () => {
      const { config, logger } = loadRuntime({ quiet: true })
      const store = openStore(config)
      try {
        const result = await migrate(store, logger)
        const applied = result.applied.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`)
        console.log(
          applied.length > 0
            ? `applied ${applied.length} migration(s) to ${store.database} (${store.mode}: ${store.location}): ${applied.join(', ')}`
            : `${store.database} is up to date (${result.alreadyApplied} migration(s) already applied; ${store.mode}: ${store.location})`,
        )
      } finally {
        await store.close()
      }
    })
}
