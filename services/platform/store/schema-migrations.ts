import { defineTable } from './table.js'

/**
 * `schema_migrations`: which migrations of schemas/clickhouse/ are applied. Created by the migrator
 * itself (services/platform/migrations.ts), before any migration runs.
 */
export const SCHEMA_MIGRATIONS = 'schema_migrations'

export interface MigrationRow {
  version: number
  name: string
  checksum: string
}

export const schemaMigrationsTable = defineTable<MigrationRow>(SCHEMA_MIGRATIONS)
