import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppConfig } from '../../schemas/config.js'
import { openStore, type Store } from '../../services/platform/clickhouse.js'
import { waitFor } from './wait.js'

const TEST_DATABASE = /^mcp_audit_test(_[a-z0-9]+)?$/

/** Refuses to touch any database whose name does not say it is for tests. */
export function assertTestDatabase(database: string): void {
  if (!TEST_DATABASE.test(database)) {
    throw new Error(
      `refusing to modify database "${database}": test helpers only touch mcp_audit_test* databases`,
    )
  }
}

export interface TestStore extends Store {
  dataDir: string
  dispose: () => Promise<void>
}

/**
 * A fresh embedded store in its own temporary data dir, with a database named for tests; with
 * `encryptionKey`, on the encrypted disk.
 */
export function openTestStore(options: { encryptionKey?: string } = {}): TestStore {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-ch-'))
  const database = `mcp_audit_test_${Math.random().toString(36).slice(2, 10)}`
  assertTestDatabase(database)
  const config = AppConfig.parse({ dataDir, clickhouse: { database, encryptionKey: options.encryptionKey } })
  const store = openStore(config)
  return {
    ...store,
    dataDir,
    dispose: async () => {
      assertTestDatabase(store.database)
      await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database}` })
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls a count query until it reaches `expected`, returning the count; fails with the last one. */
export async function waitForCount(
  store: Store,
  sql: string,
  expected: number,
  { timeoutMs = 60_000, params = {} }: { timeoutMs?: number; params?: Record<string, unknown> } = {},
): Promise<number> {
  return waitFor(
    async () => {
      const result = await store.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })
      const [row] = await result.json<{ n: number | string }>()
      return Number(row?.n ?? 0)
    },
    {
      description: `a count of ${expected} from ${sql}`,
      timeoutMs,
      intervalMs: 250,
      until: (n) => n >= expected,
    },
  )
}

export async function queryRows<T>(
  store: Store,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await store.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })
  return result.json<T>()
}
