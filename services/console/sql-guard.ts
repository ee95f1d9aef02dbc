import { ALERT_DELIVERIES } from '../platform/store/alert-deliveries.js'
import { ALERTS } from '../platform/store/alerts.js'
import { AUDIT_EVENTS } from '../platform/store/audit-events.js'
import { INGEST_RECEIPTS } from '../platform/store/ingest-receipts.js'
import { REPORTS } from '../platform/store/reports.js'

/**
 * Confinement of an admin's ad-hoc SQL (`POST /api/v1/query`) to the admin's tenant.
 *
 * Row policies need ClickHouse users, which the embedded engine lacks, so confinement is done in
 * the query itself and checked with ClickHouse's own parser and analyzer:
 *  1. text: one statement only (no `;` except a trailing one), bounded length;
 *  2. the SQL is wrapped: every exposed table name becomes a CTE over the real table filtered by
 *     the tenant (`WITH audit_events AS (SELECT * FROM db.audit_events WHERE tenant_id = {…})
 *     SELECT * FROM (<sql>) LIMIT n`), so an unqualified name can only reach the tenant's rows;
 *  3. `EXPLAIN AST` of the wrapped query must show a plain SELECT with no SETTINGS, no table named
 *     with a database except the wrapper's own, no table function but `numbers`-like generators,
 *     no `x IN table`, no functions that read files, dictionaries or other tables;
 *  4. `EXPLAIN QUERY TREE` (the analyzer's resolution) must show that every table the query reads
 *     is one of ours and is read inside the wrapper's tenant CTE.
 * All of it runs on a session that is `readonly`, with time and row limits.
 */

/** Tables an admin may query, each with how its latest version is read. */
export const QUERYABLE_TABLES: Readonly<Record<string, { final: boolean }>> = {
  [AUDIT_EVENTS]: { final: false },
  [ALERTS]: { final: true },
  [ALERT_DELIVERIES]: { final: true },
  [INGEST_RECEIPTS]: { final: false },
  [REPORTS]: { final: true },
}

/** The parameter that carries the tenant; callers may not set it. */
export const TENANT_PARAM = 'mcp_audit_tenant'

const MAX_SQL_CHARS = 20_000

const ALLOWED_TABLE_FUNCTIONS = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'generateseries',
  'generate_series',
  'values',
])

/** Scalar functions that read files, dictionaries, other tables, settings or server internals. */
const DENIED_FUNCTION =
  /^(file|dict\w*|joinget\w*|getsetting\w*|getserversetting|getmergetreesetting|hascolumnintable|getmacro|catboostevaluate|evalmlmethod|modelevaluate|filesystem\w*|address\w*|demangle|currentprofiles|currentroles|enabledprofiles|enabledroles|defaultprofiles|defaultroles|getclientHTTPheader|initialqueryid|queryid)$/i

const IN_FUNCTIONS = new Set([
  'in',
  'notin',
  'globalin',
  'globalnotin',
  'nullin',
  'notnullin',
  'globalnullin',
  'globalnotnullin',
])

export type GuardResult<T> = { ok: true; value: T } | { ok: false; message: string }

/** One statement, bounded; returns it without the trailing `;`. */
export function checkSqlText(sql: unknown): GuardResult<string> {
  if (typeof sql !== 'string' || sql.trim() === '') {
    return { ok: false, message: 'body.sql must be a non-empty string holding one SELECT statement' }
  }
  if (sql.length > MAX_SQL_CHARS) {
    return { ok: false, message: `body.sql is ${sql.length} characters; the limit is ${MAX_SQL_CHARS}` }
  }
  if (sql.includes('\0')) return { ok: false, message: 'body.sql contains a NUL character' }
  const trimmed = sql.replace(/[\s;]+$/, '')
  if (trimmed.includes(';')) {
    return {
      ok: false,
      message: 'only one statement is allowed: remove ";" (inside a string literal, use char(59))',
    }
  }
  return { ok: true, value: trimmed }
}

export type QueryParamValue = string | number | boolean | null | QueryParamValue[]

function isParamValue(value: unknown): value is QueryParamValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true
  return Array.isArray(value) && value.every(isParamValue)
}

export function checkParams(params: unknown): GuardResult<Record<string, QueryParamValue>> {
  if (params === undefined || params === null) return { ok: true, value: {} }
  if (typeof params !== 'object' || Array.isArray(params)) {
    return { ok: false, message: 'body.params must be an object of {name: value}' }
  }
  const out: Record<string, QueryParamValue> = {}
  for (const [name, value] of Object.entries(params)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
      return { ok: false, message: `params.${name}: a parameter name must be a plain identifier` }
    }
    if (name.toLowerCase().startsWith('mcp_audit_')) {
      return { ok: false, message: `params.${name}: names starting with mcp_audit_ are reserved` }
    }
    if (!isParamValue(value)) {
      return { ok: false, message: `params.${name}: use a string, number, boolean, null or an array of them` }
    }
    out[name] = value
  }
  return { ok: true, value: out }
}

/** The admin's SQL inside tenant-filtered CTEs that shadow the table names. */
export function composeTenantQuery(
  sql: string,
  options: { database: string; tables: readonly string[]; maxRows: number },
): string {
  const ctes = options.tables.map((table) => {
    const final = QUERYABLE_TABLES[table]?.final ? ' FINAL' : ''
    return `  ${table} AS (SELECT * FROM ${options.database}.${table}${final} WHERE tenant_id = {${TENANT_PARAM}:String})`
  })
  // Newlines around the SQL end a trailing `--` comment before the wrapper's closing bracket.
  return `WITH\n${ctes.join(',\n')}\nSELECT * FROM (\n${sql}\n)\nLIMIT ${options.maxRows + 1}`
}

export interface AstNode {
  kind: string
  name: string
  children: AstNode[]
}

/** Parses `EXPLAIN AST` lines (`<indent>Kind name (alias a) (children n)`) into a tree. */
export function parseExplainAst(lines: readonly string[]): AstNode {
  const root: AstNode = { kind: '(root)', name: '', children: [] }
  const stack: Array<{ depth: number; node: AstNode }> = [{ depth: -1, node: root }]
  for (const line of lines) {
    if (line.trim() === '') continue
    const depth = line.length - line.trimStart().length
    const text = line
      .trim()
      .replace(/ \(children \d+\)$/, '')
      .replace(/ \(alias [^)]*\)$/, '')
    const space = text.indexOf(' ')
    const node: AstNode = {
      kind: space === -1 ? text : text.slice(0, space),
      name: space === -1 ? '' : text.slice(space + 1),
      children: [],
    }
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop()
    stack[stack.length - 1]!.node.children.push(node)
    stack.push({ depth, node })
  }
  return root
}

/** Names the SQL text defines as CTEs (`name AS (`), which the query may use as tables. */
export function cteNames(sql: string): Set<string> {
  const names = new Set<string>()
  for (const match of sql.matchAll(/([A-Za-z_][A-Za-z0-9_]*|`[^`]+`|"[^"]+")\s+AS\s*\(/gi)) {
    names.add(match[1]!.replace(/^[`"]|[`"]$/g, ''))
  }
  return names
}

export interface AstRules {
  database: string
  /** Tables the wrapper defines as tenant CTEs. */
  tables: readonly string[]
  /** Names defined as CTEs by the admin's own SQL. */
  userCtes: ReadonlySet<string>
  /** Every database on the server, so `db.table` hidden in an expression is refused too. */
  databases: ReadonlySet<string>
}

/** Problems with the wrapped query's AST; empty when it may be analyzed. */
export function checkAst(root: AstNode, rules: AstRules): string[] {
  const problems = new Set<string>()
  const ours = new Set(rules.tables.map((table) => `${rules.database}.${table}`))
  const allowedNames = new Set([...rules.tables, ...rules.userCtes])
  const databases = new Set([...rules.databases].map((db) => db.toLowerCase()))
  let qualifiedOurs = 0
  const [statement, ...rest] = root.children
  if (!statement || statement.kind !== 'SelectWithUnionQuery' || rest.length > 0) {
    problems.add('only a single SELECT query is allowed')
  }

  const visit = (node: AstNode, parent: AstNode | undefined): void => {
    switch (node.kind) {
      case 'Set':
        problems.add('SETTINGS clauses are not allowed: the console fixes readonly, time and row limits')
        break
      case 'TableIdentifier':
        if (ours.has(node.name)) qualifiedOurs++
        else if (node.name.includes('.')) {
          problems.add(
            `table "${node.name}": name tables without a database (${rules.tables.join(', ')}); they are confined to your tenant`,
          )
        } else if (!allowedNames.has(node.name)) {
          problems.add(`unknown table "${node.name}": you can query ${rules.tables.join(', ')}`)
        }
        break
      case 'Function': {
        const name = node.name.toLowerCase()
        if (parent?.kind === 'TableExpression' && !ALLOWED_TABLE_FUNCTIONS.has(name)) {
          problems.add(`table function ${node.name}() is not allowed (numbers, zeros and values are)`)
        }
        if (DENIED_FUNCTION.test(name)) problems.add(`function ${node.name}() is not allowed here`)
        const second = node.children[0]?.children[1]
        if (IN_FUNCTIONS.has(name) && second?.kind === 'Identifier') {
          problems.add(`"IN ${second.name}": write IN (SELECT … FROM ${second.name}) instead`)
        }
        break
      }
      case 'Identifier': {
        const first = node.name.split('.')[0]?.toLowerCase()
        if (node.name.includes('.') && first !== undefined && databases.has(first)) {
          problems.add(`"${node.name}" refers to another database`)
        }
        break
      }
      default:
        break
    }
    for (const child of node.children) visit(child, node)
  }
  if (statement) visit(statement, undefined)
  if (qualifiedOurs !== rules.tables.length) {
    problems.add(
      `name tables without a database (${rules.tables.join(', ')}); they are confined to your tenant`,
    )
  }
  return [...problems]
}

/**
 * Checks the analyzer's `EXPLAIN QUERY TREE`: every TABLE read must be one of ours and sit directly
 * in the wrapper's CTE of the same name (which carries the tenant filter); table functions must be
 * generators.
 */
export function checkQueryTree(
  lines: readonly string[],
  rules: Pick<AstRules, 'database' | 'tables'>,
): string[] {
  const problems = new Set<string>()
  const queries: Array<{ depth: number; cte: string | undefined }> = []
  for (const line of lines) {
    const depth = line.length - line.trimStart().length
    const text = line.trim()
    while (queries.length > 0 && queries[queries.length - 1]!.depth >= depth) queries.pop()
    if (text.startsWith('QUERY id:')) {
      queries.push({ depth, cte: /\bcte_name: ([^,\s]+)/.exec(text)?.[1] })
    } else if (text.startsWith('TABLE id:')) {
      const table = /\btable_name: ([^,\s]+)/.exec(text)?.[1] ?? '(unknown)'
      // A SELECT without FROM reads the one-row system.one.
      if (table === 'system.one') continue
      const [database, name] = table.split('.')
      const enclosing = queries[queries.length - 1]
      if (database !== rules.database || !name || !rules.tables.includes(name) || enclosing?.cte !== name) {
        problems.add(`the query reads ${table} outside its tenant scope`)
      }
    } else if (text.startsWith('TABLE_FUNCTION id:')) {
      const fn = /\btable_function_name: ([^,\s]+)/.exec(text)?.[1] ?? '(unknown)'
      if (!ALLOWED_TABLE_FUNCTIONS.has(fn.toLowerCase()))
        problems.add(`table function ${fn}() is not allowed`)
    }
  }
  return [...problems]
}
