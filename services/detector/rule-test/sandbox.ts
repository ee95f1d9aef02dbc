import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { AppConfig } from '../../../schemas/config.js'
import { openStore, type Store } from '../../platform/clickhouse.js'
import { createLogger } from '../../platform/logger.js'
import { migrate } from '../../platform/migrations.js'
import { auditEventsTable } from '../../platform/store/audit-events.js'

const SCRATCH_DATABASE = /^mcp_audit_test_rules_[a-z0-9]+$/

/** A scratch database the rule tests store their events in, dropped by `dispose`. */
export interface Sandbox {
  store: Pick<Store, 'client' | 'database'>
  dispose: () => Promise<void>
}

/** In `store` when given (a scratch database is created in it), else in a temporary embedded one. */
export async function openSandbox(store?: Pick<Store, 'client'>): Promise<Sandbox> {
  const database = `mcp_audit_test_rules_${randomBytes(5).toString('hex')}`
  const logger = createLogger({ level: 'silent' })
  const drop = async (client: Store['client']) => {
    if (!SCRATCH_DATABASE.test(database))
      throw new Error(`refusing to drop ${database}: not a rule-test database`)
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
  }
  if (store) {
    const scratch = { client: store.client, database }
    await migrate(
      { ...scratch, mode: 'server', location: 'rule tests', close: () => Promise.resolve() },
      logger,
    )
    return { store: scratch, dispose: () => drop(scratch.client) }
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-rule-tests-'))
  const embedded = openStore(AppConfig.parse({ dataDir, clickhouse: { database } }))
  try {
    await migrate(embedded, logger)
  } catch (err) {
    await embedded.close()
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    store: embedded,
    dispose: async () => {
      try {
        await drop(embedded.client)
      } finally {
        await embedded.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

/** The sandbox holds exactly `rows` afterwards. */
export async function replaceEvents(sandbox: Sandbox, rows: readonly AuditRow[]): Promise<void> {
  const events = auditEventsTable(sandbox.store)
  await sandbox.store.client.command({ query: `TRUNCATE TABLE ${events.name}` })
  await events.insert(rows)
}
