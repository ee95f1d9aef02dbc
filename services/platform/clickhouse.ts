import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { AppConfig } from '../../schemas/config.js'
import { registerEmbeddedInsert, type EncodedInsert } from './clickhouse-insert.js'
import { ConfigError } from './config.js'
import { checkStoreLayout, openEncryptedEngine } from './encrypted-store.js'
import { trackActivity, type StoreActivity, type TrackedActivity } from './store-activity.js'

export type { ClickHouseClient }

export interface Store {
  client: ClickHouseClient
  /** Validated plain identifier (see schemas/config.ts), safe to place in DDL and table names. */
  database: string
  mode: 'server' | 'embedded'
  /** Human-readable location for logs and errors: the server URL without credentials, or the directory. */
  location: string
  /** The pipeline's calls in flight on the embedded engine (absent for a server). */
  activity?: StoreActivity
  close: () => Promise<void>
}

export class StoreUnavailableError extends Error {
  readonly retryable: boolean
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause })
    this.name = 'StoreUnavailableError'
    this.retryable = options.retryable
  }
}

/**
 * The embedded engine applies each request's settings with SET, so they stay for the rest of the
 * session: this is the one place that keeps one query's settings from leaking into the next.
 *
 * - Output: a query that asks for ISO timestamps (`date_time_output_format: 'iso'`) would change
 *   how every later query prints times. Every request of every client names the formats it uses,
 *   so queries that name none get the server default, in both modes.
 * - Deduplication: an insert without an `insert_deduplication_token` would reuse the previous
 *   insert's token and be dropped as a duplicate by tables that deduplicate. Every embedded insert
 *   that names no token of its own gets a fresh one, so no insert inherits another's token.
 */
export const SESSION_SETTINGS = {
  date_time_input_format: 'best_effort',
  date_time_output_format: 'simple',
  // The pipeline's queries outrank admin SQL (priority 100, console/admin-query.ts): ClickHouse
  // pauses a lower-priority query while a higher one runs; 0 would take no part in priorities.
  priority: '1',
} as const

function guardDeduplicationToken(client: ClickHouseClient): void {
  const insert = client.insert.bind(client)
  client.insert = (params: Parameters<ClickHouseClient['insert']>[0]) =>
    insert({
      ...params,
      clickhouse_settings: { insert_deduplication_token: randomUUID(), ...params.clickhouse_settings },
    })
}

/**
 * The embedded engine's raw insert: the bytes go to the engine as they are, the settings into the
 * statement's own SETTINGS clause (so nothing stays in the session), always with a token of its
 * own unless one is named, like every other embedded insert.
 */
function embeddedEncodedInsert(
  connection: ReturnType<typeof createChdbConnection>,
  activity: TrackedActivity,
): (insert: EncodedInsert) => Promise<void> {
  return async ({ table, columns, format, body, settings }) => {
    const named = Object.entries(settings).filter((entry): entry is [string, string | number | boolean] =>
      ['string', 'number', 'boolean'].includes(typeof entry[1]),
    )
    await activity.track(() =>
      connection.chdb.rawInsert({
        table,
        columns,
        values: body,
        format,
        settings: {
          date_time_input_format: SESSION_SETTINGS.date_time_input_format,
          insert_deduplication_token: randomUUID(),
          ...Object.fromEntries(named),
        },
      }),
    )
  }
}

export function embeddedStorePath(dataDir: string): string {
  return path.resolve(dataDir, 'clickhouse')
}

function redactUrl(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.toString()
}

/**
 * The one way to reach ClickHouse: HTTP to a server when `clickhouse.url` is configured, otherwise
 * the embedded chDB engine on `<dataDir>/clickhouse` behind the same `@clickhouse/client` API.
 * An embedded directory belongs to one process at a time. With `clickhouse.encryptionKey` the
 * embedded tables live on an encrypted disk (encrypted-store.ts).
 */
export function openStore(config: Pick<AppConfig, 'clickhouse' | 'dataDir'>): Store {
  const { url, database, username, password } = config.clickhouse
  if (url) {
    const client = createClient({
      url,
      username: username ?? 'default',
      password: password ?? '',
      request_timeout: 60_000,
      compression: { request: true, response: true },
      clickhouse_settings: SESSION_SETTINGS,
    })
    return { client, database, mode: 'server', location: redactUrl(url), close: () => client.close() }
  }

  const dir = embeddedStorePath(config.dataDir)
  mkdirSync(dir, { recursive: true })
  const key = config.clickhouse.encryptionKey
  checkStoreLayout(dir, key)
  let engine: ReturnType<typeof openEncryptedEngine> | undefined
  let connection: ReturnType<typeof createChdbConnection>
  try {
    engine = key === undefined ? undefined : openEncryptedEngine(dir, key)
    connection = createChdbConnection({ path: dir })
  } catch (err) {
    if (err instanceof ConfigError) throw err
    engine?.close()
    throw new StoreUnavailableError(
      `cannot open the embedded ClickHouse store at ${dir}: another process holds it (embedded mode allows one process per data directory). ` +
        'Stop the other mcp-audit process (for `query` and `migrate`, stop `mcp-audit start` first), ' +
        'use another MCP_AUDIT_DATA_DIR, or set CLICKHOUSE_URL to use a ClickHouse server.',
      { retryable: false, cause: err },
    )
  }
  const client = createClient({
    // chdb types its connection against @clickhouse/client-common, which @clickhouse/client now
    // bundles under its own copy of the same types; the runtime contract is identical.
    connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
    clickhouse_settings: SESSION_SETTINGS,
  })
  guardDeduplicationToken(client)
  const activity = trackActivity(client)
  registerEmbeddedInsert(client, embeddedEncodedInsert(connection, activity))
  return {
    client,
    database,
    mode: 'embedded',
    location: dir,
    activity,
    close: async () => {
      await client.close()
      engine?.close()
    },
  }
}
