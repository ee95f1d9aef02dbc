import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Store } from './clickhouse.js'
import type { Logger } from './logger.js'
import { packageRoot } from './paths.js'
import { schemaMigrationsTable, type MigrationRow } from './store/schema-migrations.js'

export interface Migration {
  version: number
  name: string
  checksum: string
  statements: string[]
}

export class MigrationError extends Error {
  readonly retryable = false
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/

export function migrationsDir(): string {
  return path.join(packageRoot(), 'schemas', 'clickhouse')
}

/** Splits a migration file into statements: `;` at the end of a line ends one; `--` lines are comments. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
  return withoutComments
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0)
}

/** `{database}` in a migration is replaced by the configured database, a validated identifier. */
export function loadMigrations(database: string, dir = migrationsDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = FILE_PATTERN.exec(file)
      if (!match) {
        throw new MigrationError(`${path.join(dir, file)}: name must look like 0001_create_table.sql`)
      }
      const text = readFileSync(path.join(dir, file), 'utf8')
      return {
        version: Number(match[1]),
        name: match[2]!,
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: splitStatements(text.replaceAll('{database}', database)),
      }
    })
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(
        `migrations must be numbered 0001, 0002, … without gaps; found ${String(migration.version).padStart(4, '0')}_${migration.name} at position ${index + 1}`,
      )
    }
  })
  return migrations
}

export interface MigrateResult {
  applied: Array<{ version: number; name: string }>
  alreadyApplied: number
}

/** Applies every migration not yet recorded in `schema_migrations`, in order. Safe to run again. */
export async function migrate(store: Store, logger: Logger, dir?: string): Promise<MigrateResult> {
  const { client, database } = store
  const migrations = loadMigrations(database, dir)
  const history = schemaMigrationsTable(store)
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${history.name} (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  })
  const appliedRows = await client.query({
    query: `SELECT version, name, checksum FROM ${history.name} FINAL ORDER BY version`,
    format: 'JSONEachRow',
  })
  const applied = new Map((await appliedRows.json<MigrationRow>()).map((row) => [Number(row.version), row]))

  const result: MigrateResult = { applied: [], alreadyApplied: 0 }
  for (const migration of migrations) {
    const previous = applied.get(migration.version)
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        logger.warn({ version: migration.version, name: migration.name }, 'migration_changed_after_apply')
      }
      result.alreadyApplied += 1
      continue
    }
    for (const statement of migration.statements) {
      try {
        await client.command({ query: statement })
      } catch (err) {
        throw new MigrationError(
          `migration ${String(migration.version).padStart(4, '0')}_${migration.name} failed: ${(err as Error).message}`,
          { cause: err },
        )
      }
    }
    await history.insert([{ version: migration.version, name: migration.name, checksum: migration.checksum }])
    logger.info({ version: migration.version, name: migration.name }, 'migration_applied')
    result.applied.push({ version: migration.version, name: migration.name })
  }
  return result
}
