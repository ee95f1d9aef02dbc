import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { AppConfig } from '../../schemas/config.js'
import { SESSION_SETTINGS, type Store } from '../platform/clickhouse.js'
import {
  checkAst,
  checkCteDefinitions,
  checkParams,
  checkQueryTree,
  checkQuotedNames,
  checkSqlText,
  composeTenantQuery,
  parseExplainAst,
  QUERYABLE_TABLES,
  TENANT_PARAM,
} from './sql-guard.js'

export interface AdminQueryLimits {
  maxRows: number
  maxExecutionSeconds: number
  maxMemoryBytes: number
  maxRowsToRead: number
  maxBytesToRead: number
  /** Admin queries running at once over all tenants; each tenant runs one at a time. */
  maxConcurrent: number
  /** Threads one admin query may use (`max_threads`); 0 lets ClickHouse choose. */
  maxThreads: number
}

/**
 * A server has cores and memory of its own; the embedded engine shares the process, and one queue
 * for parameterized queries, with ingestion and the detector, so its admin queries get less.
 */
export const DEFAULT_QUERY_LIMITS: Record<Store['mode'], AdminQueryLimits> = {
  server: {
    maxRows: 10_000,
    maxExecutionSeconds: 15,
    maxMemoryBytes: 2_000_000_000,
    maxRowsToRead: 1_000_000_000,
    maxBytesToRead: 100_000_000_000,
    maxConcurrent: 2,
    maxThreads: 0,
  },
  // The embedded engine runs one query at a time for the whole process, so an admin query holds
  // up inserts and rule windows for as long as it runs: a second at most, on one thread.
  embedded: {
    maxRows: 10_000,
    maxExecutionSeconds: 1,
    maxMemoryBytes: 500_000_000,
    maxRowsToRead: 50_000_000,
    maxBytesToRead: 5_000_000_000,
    maxConcurrent: 1,
    maxThreads: 1,
  },
}

/**
 * Admin queries yield to the pipeline's: ClickHouse pauses a query while queries of a higher
 * priority (a lower number, see SESSION_SETTINGS) run, so a heavy analysis slows itself rather than
 * inserts and rule windows. (A nice value for its threads, `os_thread_priority`, would need
 * CAP_SYS_NICE, which the engine rarely has.)
 */
const YIELDING_SETTINGS = { priority: '100' } as const

/**
 * In embedded mode an admin statement starts only after the pipeline's calls have paused this long
 * (the queries of one detector tick follow each other closely), and gives up after the wait.
 */
const QUIET_MS = 100
const QUIET_WAIT_MS = 10_000

/** The empty database admin SQL runs in, so an unqualified name never resolves to a real table. */
export function adminSandboxDatabase(database: string): string {
  return `${database}_sandbox`
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

/** Too many admin queries at once (429): the caller may retry after `retryAfterSeconds`. */
export class QueryBusyError extends Error {
  readonly retryable = true
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message)
    this.name = 'QueryBusyError'
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

type AdminConfig = Pick<AppConfig, 'clickhouse'> & { console?: Pick<AppConfig['console'], 'adminSql'> }

/**
 * A ClickHouse session used only for admin queries, with `readonly=2` (reads, and setting the
 * limits below; no writes, no DDL, no change of `readonly`). The embedded engine keeps settings and
 * the current database for the whole session, so it gets a session of its own on the same data
 * directory (switched to the sandbox by `USE` before the first query); a server gets the setting and
 * the database with every request, and the dedicated user of `console.adminSql` when configured.
 */
function openReadonlyClient(store: Store, config: AdminConfig, database: string): ClickHouseClient {
  const readonly = { readonly: '2' as const, ...SESSION_SETTINGS }
  if (store.mode === 'embedded') {
    const connection = createChdbConnection({ path: store.location })
    return createClient({
      connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
      clickhouse_settings: readonly,
    })
  }
  const user = config.console?.adminSql
  return createClient({
    url: config.clickhouse.url,
    database,
    username: user?.username ?? config.clickhouse.username ?? 'default',
    password: user?.password ?? config.clickhouse.password ?? '',
    request_timeout: 60_000,
    clickhouse_settings: readonly,
  })
}

/**
 * The message of a ClickHouse error, first line only and without the analyzer's hints ("Maybe you
 * meant system.users?"), which would name tables and databases outside the tenant's scope.
 */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const line = message.split('\n')[0]!.replace(/\s*Maybe you meant\b.*$/i, '')
  return line.trim().slice(0, 500)
}

function rejection(prefix: string, err: unknown, tables: readonly string[]): QueryRejectedError {
  const text = errorText(err)
  if (/modifiers FINAL are not supported for subquery/i.test(text)) {
    return new QueryRejectedError(
      'remove FINAL: the tables are already read with FINAL (the latest version of each row, counted once)',
    )
  }
  if (/Unknown table expression identifier/i.test(text)) {
    return new QueryRejectedError(`${prefix}: ${text} You can query ${tables.join(', ')}.`)
  }
  return new QueryRejectedError(`${prefix}: ${text}`)
}

export function createAdminQuery(options: {
  store: Store
  config: AdminConfig
  limits?: Partial<AdminQueryLimits>
  /**
   * The database unqualified names resolve in: the empty sandbox. Tests set the data database or
   * `default` to show that the checks hold without the sandbox too.
   */
  sessionDatabase?: string
}): AdminQuery {
  const { store } = options
  const limits = { ...DEFAULT_QUERY_LIMITS[store.mode], ...options.limits }
  const sandbox = adminSandboxDatabase(store.database)
  const sessionDatabase = options.sessionDatabase ?? sandbox
  const client = openReadonlyClient(store, options.config, sessionDatabase)
  const running = new Set<string>()
  let scope: Promise<{ tables: string[]; databases: Set<string> }> | undefined

  /** Limits for every query of an admin request: the EXPLAINs run scalar subqueries too. */
  const limitSettings = {
    ...YIELDING_SETTINGS,
    max_threads: limits.maxThreads,
    max_execution_time: limits.maxExecutionSeconds,
    max_memory_usage: String(limits.maxMemoryBytes),
    max_rows_to_read: String(limits.maxRowsToRead),
    max_bytes_to_read: String(limits.maxBytesToRead),
  }
  /** The embedded session keeps the previous query's settings, so each query names its own. */
  const guardSettings = { ...limitSettings, max_result_rows: '0' }

  /** Waits for a pause in the pipeline's use of the embedded engine (no-op for a server). */
  async function yieldToPipeline(): Promise<void> {
    if (!store.activity) return
    if (await store.activity.waitForQuiet(QUIET_MS, QUIET_WAIT_MS)) return
    throw new QueryBusyError(
      'the pipeline keeps the embedded store busy: retry in a few seconds, or use a ClickHouse server for analysis',
      Math.ceil(QUIET_WAIT_MS / 1000),
    )
  }

  async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    await yieldToPipeline()
    const result = await client.query({
      query,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: guardSettings,
    })
    return result.json<T>()
  }

  /**
   * Exposed tables that exist (the reports table arrives with the reporter) and have tenant_id;
   * the session's database, which must be the empty sandbox unless a test chose another.
   */
  async function loadScope(): Promise<{ tables: string[]; databases: Set<string> }> {
    const missing = `the admin SQL sandbox database ${sandbox} is missing: run \`mcp-audit migrate\``
    if (store.mode === 'embedded') {
      await client.command({ query: `USE ${sessionDatabase}` }).catch((err: unknown) => {
        throw new Error(missing, { cause: err })
      })
    }
    const [current] = await rows<{ db: string }>('SELECT currentDatabase() AS db').catch((err: unknown) => {
      throw new Error(missing, { cause: err })
    })
    if (current?.db !== sessionDatabase) {
      throw new Error(`admin SQL runs in ${String(current?.db)} instead of ${sessionDatabase}`)
    }
    const [inSandbox] = await rows<{ n: number | string }>(
      'SELECT count() AS n FROM system.tables WHERE database = {db:String}',
      { db: sandbox },
    )
    if (Number(inSandbox?.n ?? 0) > 0) {
      throw new Error(`the admin SQL sandbox database ${sandbox} must stay empty: drop the tables in it`)
    }
    const found = new Set(
      (
        await rows<{ table: string }>(
          `SELECT table FROM system.columns WHERE database = {db:String} AND name = 'tenant_id' AND table IN {names:Array(String)}`,
          { db: store.database, names: QUERYABLE_TABLES },
        )
      ).map((row) => row.table),
    )
    const databases = await rows<{ name: string }>('SELECT name FROM system.databases')
    return {
      tables: QUERYABLE_TABLES.filter((table) => found.has(table)),
      databases: new Set([...databases.map((row) => row.name), 'system', 'information_schema']),
    }
  }

  async function explainLines(
    kind: string,
    query: string,
    params: Record<string, unknown>,
    tables: string[],
  ) {
    let lines: string[]
    try {
      // The embedded engine answers EXPLAIN AST as bare JSON strings, a server as {"explain": …}.
      lines = (await rows<{ explain: string } | string>(`EXPLAIN ${kind} ${query}`, params)).map((row) =>
        typeof row === 'string' ? row : row.explain,
      )
    } catch (err) {
      throw rejection(`ClickHouse cannot ${kind === 'AST' ? 'parse' : 'analyze'} the query`, err, tables)
    }
    // One line per node; a line break inside one would let the query write lines of its own.
    if (lines.some((line) => /[\r\n]/.test(line))) {
      throw new QueryRejectedError('string literals and names may not contain line breaks: use char(10)')
    }
    return lines
  }

  async function guard(
    sql: string,
    params: Record<string, unknown>,
    tables: string[],
    databases: Set<string>,
  ) {
    let formatted: string
    try {
      const [row] = await rows<{ q: string }>('SELECT formatQuerySingleLine({sql:String}) AS q', { sql })
      formatted = row?.q ?? ''
    } catch (err) {
      // Quoting the probe itself ("In scope SELECT formatQuerySingleLine(…)") would only confuse.
      const reason = errorText(err).replace(/:? In scope SELECT formatQuerySingleLine[\s\S]*$/, '')
      throw new QueryRejectedError(
        `ClickHouse cannot parse the query on its own (one complete SELECT): ${reason}`,
      )
    }
    const nameProblems = checkQuotedNames(formatted)
    if (nameProblems.length > 0) throw new QueryRejectedError(nameProblems[0]!, nameProblems)

    const query = composeTenantQuery(sql, { database: store.database, tables, maxRows: limits.maxRows })
    const astProblems = checkAst(parseExplainAst(await explainLines('AST', query, params, tables)), {
      database: store.database,
      tables,
      databases,
    })
    if (astProblems.length > 0) throw new QueryRejectedError(astProblems[0]!, astProblems)
    const cteProblems = checkCteDefinitions(
      await explainLines('QUERY TREE run_passes = 0', query, params, tables),
      tables,
    )
    if (cteProblems.length > 0) throw new QueryRejectedError(cteProblems[0]!, cteProblems)
    const treeProblems = checkQueryTree(await explainLines('QUERY TREE', query, params, tables), {
      database: store.database,
      tables,
    })
    if (treeProblems.length > 0) throw new QueryRejectedError(treeProblems[0]!, treeProblems)
    return query
  }

  return {
    async run(tenantId, sqlInput, paramsInput) {
      const started = Date.now()
      const text = checkSqlText(sqlInput)
      if (!text.ok) throw new QueryRejectedError(text.message)
      const params = checkParams(paramsInput)
      if (!params.ok) throw new QueryRejectedError(params.message)
      if (running.has(tenantId)) {
        throw new QueryBusyError(
          'an admin query of this tenant is still running: wait for it to finish',
          limits.maxExecutionSeconds,
        )
      }
      if (running.size >= limits.maxConcurrent) {
        throw new QueryBusyError(
          `${limits.maxConcurrent} admin queries are running: retry in a few seconds`,
          limits.maxExecutionSeconds,
        )
      }
      running.add(tenantId)
      try {
        scope ??= loadScope().catch((err: unknown) => {
          scope = undefined
          throw err
        })
        const { tables, databases } = await scope
        const queryParams = { ...params.value, [TENANT_PARAM]: tenantId }
        const query = await guard(text.value, queryParams, tables, databases)
        let result: Record<string, unknown>[]
        await yieldToPipeline()
        try {
          const answer = await client.query({
            query,
            query_params: queryParams,
            format: 'JSONEachRow',
            clickhouse_settings: {
              ...limitSettings,
              max_result_rows: String(limits.maxRows + 1),
              result_overflow_mode: 'throw',
            },
          })
          result = await answer.json<Record<string, unknown>>()
        } catch (err) {
          throw rejection('the query failed', err, tables)
        }
        const truncated = result.length > limits.maxRows
        return {
          rows: truncated ? result.slice(0, limits.maxRows) : result,
          truncated,
          elapsedMs: Date.now() - started,
        }
      } finally {
        running.delete(tenantId)
      }
    },
    close: () => client.close(),
  }
}
