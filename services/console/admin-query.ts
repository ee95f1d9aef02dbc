import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { AppConfig } from '../../schemas/config.js'
import { SESSION_SETTINGS, type Store } from '../platform/clickhouse.js'
import {
  checkAst,
  checkParams,
  checkQueryTree,
  checkSqlText,
  composeTenantQuery,
  cteNames,
  parseExplainAst,
  QUERYABLE_TABLES,
  TENANT_PARAM,
} from './sql-guard.js'

export interface AdminQueryLimits {
  maxRows: number
  maxExecutionSeconds: number
  maxMemoryBytes: number
}

export const DEFAULT_QUERY_LIMITS: AdminQueryLimits = {
  maxRows: 10_000,
  maxExecutionSeconds: 15,
  maxMemoryBytes: 2_000_000_000,
}

/** A refusal the caller can fix (400), as opposed to a failure of the store. */
export class QueryRejectedError extends Error {
  readonly retryable = false
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message)
    this.name = 'QueryRejectedError'
  }
}

export interface AdminQueryResult {
  rows: Record<string, unknown>[]
  truncated: boolean
  elapsedMs: number
}

export interface AdminQuery {
  run(tenantId: string, sql: unknown, params: unknown): Promise<AdminQueryResult>
  close(): Promise<void>
}

/**
 * A ClickHouse session used only for admin queries, with `readonly=2` (reads, and setting the
 * limits below; no writes, no DDL, no change of `readonly`). The embedded engine keeps settings for
 * the whole session, so it gets a session of its own on the same data directory; a server gets the
 * setting with every request.
 */
function openReadonlyClient(store: Store, config: Pick<AppConfig, 'clickhouse'>): ClickHouseClient {
  const readonly = { readonly: '2' as const, ...SESSION_SETTINGS }
  if (store.mode === 'embedded') {
    const connection = createChdbConnection({ path: store.location })
    return createClient({
      connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
      clickhouse_settings: readonly,
    })
  }
  return createClient({
    url: config.clickhouse.url,
    username: config.clickhouse.username ?? 'default',
    password: config.clickhouse.password ?? '',
    request_timeout: 60_000,
    clickhouse_settings: readonly,
  })
}

/**
 * Settings for the guard's own queries. The embedded session keeps the previous query's settings,
 * so the admin query's result limit would otherwise cut the EXPLAIN output short.
 */
const GUARD_SETTINGS = { max_result_rows: '0', max_execution_time: 10 } as const

async function explain(
  client: ClickHouseClient,
  kind: 'AST' | 'QUERY TREE',
  query: string,
  params: Record<string, unknown>,
): Promise<string[]> {
  try {
    const result = await client.query({
      query: `EXPLAIN ${kind} ${query}`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: GUARD_SETTINGS,
    })
    // The embedded engine answers EXPLAIN AST as bare JSON strings, a server as {"explain": …}.
    return (await result.json<{ explain: string } | string>()).map((row) =>
      typeof row === 'string' ? row : row.explain,
    )
  } catch (err) {
    throw new QueryRejectedError(
      `ClickHouse cannot ${kind === 'AST' ? 'parse' : 'analyze'} the query: ${errorText(err)}`,
    )
  }
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.split('\n')[0]!.slice(0, 500)
}

export function createAdminQuery(options: {
  store: Store
  config: Pick<AppConfig, 'clickhouse'>
  limits?: Partial<AdminQueryLimits>
}): AdminQuery {
  const { store } = options
  const limits = { ...DEFAULT_QUERY_LIMITS, ...options.limits }
  const client = openReadonlyClient(store, options.config)
  let scope: Promise<{ tables: string[]; databases: Set<string> }> | undefined

  /** Exposed tables that exist (the reports table arrives with the reporter) and have tenant_id. */
  async function loadScope(): Promise<{ tables: string[]; databases: Set<string> }> {
    const tables = await client.query({
      query: `SELECT table FROM system.columns WHERE database = {db:String} AND name = 'tenant_id' AND table IN {names:Array(String)}`,
      query_params: { db: store.database, names: Object.keys(QUERYABLE_TABLES) },
      format: 'JSONEachRow',
      clickhouse_settings: GUARD_SETTINGS,
    })
    const databases = await client.query({
      query: 'SELECT name FROM system.databases',
      format: 'JSONEachRow',
      clickhouse_settings: GUARD_SETTINGS,
    })
    const found = new Set((await tables.json<{ table: string }>()).map((row) => row.table))
    return {
      tables: Object.keys(QUERYABLE_TABLES).filter((table) => found.has(table)),
      databases: new Set([
        ...(await databases.json<{ name: string }>()).map((row) => row.name),
        'system',
        'information_schema',
      ]),
    }
  }

  return {
    async run(tenantId, sqlInput, paramsInput) {
      const started = Date.now()
      const text = checkSqlText(sqlInput)
      if (!text.ok) throw new QueryRejectedError(text.message)
      const params = checkParams(paramsInput)
      if (!params.ok) throw new QueryRejectedError(params.message)
      scope ??= loadScope().catch((err: unknown) => {
        scope = undefined
        throw err
      })
      const { tables, databases } = await scope
      const query = composeTenantQuery(text.value, {
        database: store.database,
        tables,
        maxRows: limits.maxRows,
      })
      const queryParams = { ...params.value, [TENANT_PARAM]: tenantId }

      const astProblems = checkAst(parseExplainAst(await explain(client, 'AST', query, queryParams)), {
        database: store.database,
        tables,
        userCtes: cteNames(text.value),
        databases,
      })
      if (astProblems.length > 0) throw new QueryRejectedError(astProblems[0]!, astProblems)
      const treeProblems = checkQueryTree(await explain(client, 'QUERY TREE', query, queryParams), {
        database: store.database,
        tables,
      })
      if (treeProblems.length > 0) throw new QueryRejectedError(treeProblems[0]!, treeProblems)

      let rows: Record<string, unknown>[]
      try {
        const result = await client.query({
          query,
          query_params: queryParams,
          format: 'JSONEachRow',
          clickhouse_settings: {
            max_execution_time: limits.maxExecutionSeconds,
            max_memory_usage: String(limits.maxMemoryBytes),
            max_result_rows: String(limits.maxRows + 1),
            result_overflow_mode: 'throw',
          },
        })
        rows = await result.json<Record<string, unknown>>()
      } catch (err) {
        throw new QueryRejectedError(`the query failed: ${errorText(err)}`)
      }
      const truncated = rows.length > limits.maxRows
      return {
        rows: truncated ? rows.slice(0, limits.maxRows) : rows,
        truncated,
        elapsedMs: Date.now() - started,
      }
    },
    close: () => client.close(),
  }
}
