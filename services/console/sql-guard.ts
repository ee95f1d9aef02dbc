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
 *  1. text: one statement only (no `;` except a trailing one), bounded length; ClickHouse must parse
 *     it on its own as one query (so it cannot close the wrapper's bracket), and no quoted name may
 *     hold a control character or an escape (EXPLAIN prints names raw, so a line break in one would
 *     forge lines of the EXPLAIN output that these checks read);
 *  2. the SQL is wrapped: every exposed table name becomes a CTE over the real table, read with
 *     FINAL and filtered by the tenant (`WITH audit_events AS (SELECT * FROM db.audit_events FINAL
 *     WHERE tenant_id = {…}) SELECT * FROM (<sql>) LIMIT n`);
 *  3. `EXPLAIN AST` of the wrapped query must have the wrapper's shape (one SELECT, the wrapper's
 *     CTEs, FROM the one subquery, LIMIT) and inside the subquery no SETTINGS, no table named with a
 *     database, no table function but generators, no `x IN table`, no functions that read files,
 *     dictionaries or other tables;
 *  4. the unresolved query tree shows where each CTE is defined: a CTE named like an exposed table
 *     is only allowed at the wrapper's own position;
 *  5. `EXPLAIN QUERY TREE` (the analyzer's resolution) must show that every table the query reads
 *     is read directly inside one of those wrapper CTEs, i.e. through the tenant filter.
 * All of it runs on a session that is `readonly`, whose current database is an empty sandbox (an
 * unqualified name never reaches a real table), with time, read and memory limits.
 */

/**
 * Tables an admin may query. Each is a ReplacingMergeTree, so the wrapper reads it with FINAL:
 * an admin sees the latest version of each row, counted once.
 */
export const QUERYABLE_TABLES: readonly string[] = [
  AUDIT_EVENTS,
  ALERTS,
  ALERT_DELIVERIES,
  INGEST_RECEIPTS,
  REPORTS,
]

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
  const ctes = options.tables.map(
    (table) =>
      `  ${table} AS (SELECT * FROM ${options.database}.${table} FINAL WHERE tenant_id = {${TENANT_PARAM}:String})`,
  )
  // Newlines around the SQL end a trailing `--` comment before the wrapper's closing bracket.
  return `WITH\n${ctes.join(',\n')}\nSELECT * FROM (\n${sql}\n)\nLIMIT ${options.maxRows + 1}`
}

/**
 * Problems with the quoted names of a query as ClickHouse formats it (`formatQuerySingleLine`: no
 * comments, every special character escaped). A name holding a control character or an escape is
 * refused: EXPLAIN prints names raw, and a line break in one would add lines of its own choosing to
 * the output the checks below read.
 */
export function checkQuotedNames(formatted: string): string[] {
  const problems = new Set<string>()
  let i = 0
  while (i < formatted.length) {
    const quote = formatted[i]!
    if (quote !== "'" && quote !== '`' && quote !== '"') {
      i++
      continue
    }
    let j = i + 1
    let escaped = false
    while (j < formatted.length) {
      const ch = formatted[j]
      if (ch === '\\') {
        escaped = true
        j += 2
      } else if (ch === quote && formatted[j + 1] === quote) {
        j += 2
      } else if (ch === quote) {
        break
      } else {
        j++
      }
    }
    const body = formatted.slice(i + 1, j)
    // eslint-disable-next-line no-control-regex
    if (quote !== "'" && (escaped || /[\u0000-\u001f\u007f]/.test(body))) {
      problems.add(
        `the quoted name ${quote}${body.slice(0, 40)}${quote} holds an escape or a control character: use plain names`,
      )
    }
    i = j + 1
  }
  return [...problems]
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

export interface AstRules {
  database: string
  /** Tables the wrapper defines as tenant CTEs, in the wrapper's order. */
  tables: readonly string[]
  /** Every database on the server, so `db.table` hidden in an expression is refused too. */
  databases: ReadonlySet<string>
}

const kinds = (node: AstNode | undefined) => node?.children.map((child) => child.kind).join(',')

function firstTable(node: AstNode): string | undefined {
  if (node.kind === 'TableIdentifier') return node.name
  for (const child of node.children) {
    const found = firstTable(child)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The admin's subquery when the AST has exactly the wrapper's shape: one SELECT (no UNION branch
 * beside it) whose WITH holds only the wrapper's CTEs, whose FROM is the one subquery and which
 * ends in the LIMIT; undefined otherwise.
 */
function wrappedSubquery(root: AstNode, rules: Pick<AstRules, 'database' | 'tables'>): AstNode | undefined {
  const [statement, ...rest] = root.children
  if (!statement || statement.kind !== 'SelectWithUnionQuery' || rest.length > 0) return undefined
  const [selects, ...formats] = statement.children
  if (selects?.kind !== 'ExpressionList' || formats.some((node) => node.kind !== 'Identifier'))
    return undefined
  const [select, ...others] = selects.children
  if (select?.kind !== 'SelectQuery' || others.length > 0) return undefined
  if (kinds(select) !== 'ExpressionList,ExpressionList,TablesInSelectQuery,Literal') return undefined
  const [withList, projection, from] = select.children as [AstNode, AstNode, AstNode]
  if (withList.children.length !== rules.tables.length) return undefined
  const ours = withList.children.every(
    (element, index) =>
      element.kind === 'WithElement' && firstTable(element) === `${rules.database}.${rules.tables[index]}`,
  )
  if (!ours || kinds(projection) !== 'Asterisk') return undefined
  const element = from.children.length === 1 ? from.children[0] : undefined
  const expression = element?.children.length === 1 ? element.children[0] : undefined
  const subquery =
    expression?.kind === 'TableExpression' && expression.children.length === 1
      ? expression.children[0]
      : undefined
  return subquery?.kind === 'Subquery' ? subquery : undefined
}

/** Problems with the wrapped query's AST; empty when it may be analyzed. */
export function checkAst(root: AstNode, rules: AstRules): string[] {
  const subquery = wrappedSubquery(root, rules)
  if (!subquery) {
    return [
      'only a single SELECT query is allowed, complete on its own (no bracket closed that it did not open)',
    ]
  }
  const problems = new Set<string>()
  const databases = new Set([...rules.databases].map((db) => db.toLowerCase()))
  const visit = (node: AstNode, parent: AstNode | undefined): void => {
    switch (node.kind) {
      case 'Set':
        problems.add('SETTINGS clauses are not allowed: the console fixes readonly, time and row limits')
        break
      case 'TableIdentifier':
        if (node.name.includes('.')) {
          problems.add(
            `table "${node.name}": name tables without a database (${rules.tables.join(', ')}); they are confined to your tenant`,
          )
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
  visit(subquery, undefined)
  return [...problems]
}

const indent = (line: string) => line.length - line.trimStart().length
const CTE_NAME = /\bis_cte: 1, cte_name: ([^,\s]+)/

/**
 * Checks the unresolved query tree (`EXPLAIN QUERY TREE run_passes = 0`), which shows every CTE
 * where it is defined: the wrapper's CTEs are the WITH list of the outermost query, in order, and
 * nothing else may define a CTE named like an exposed table. So in the resolved tree a CTE of such
 * a name is always one of the wrapper's.
 */
export function checkCteDefinitions(lines: readonly string[], tables: readonly string[]): string[] {
  const problems = new Set<string>()
  const [root, withHeader, list] = lines
  const wrapperLines = new Set<number>()
  const names: string[] = []
  if (root?.startsWith('QUERY id:') && withHeader?.trim() === 'WITH' && list?.trim().startsWith('LIST id:')) {
    const depth = indent(list) + 2
    for (let index = 3; index < lines.length && indent(lines[index]!) > indent(list); index++) {
      const line = lines[index]!
      const name = CTE_NAME.exec(line)?.[1]
      if (indent(line) === depth && line.trim().startsWith('QUERY id:') && name !== undefined) {
        wrapperLines.add(index)
        names.push(name)
      }
    }
  }
  if (names.join(',') !== tables.join(',')) {
    problems.add('only a single SELECT query is allowed, complete on its own')
  }
  lines.forEach((line, index) => {
    const name = CTE_NAME.exec(line)?.[1]
    if (
      name !== undefined &&
      !wrapperLines.has(index) &&
      QUERYABLE_TABLES.includes(name.replace(/^`|`$/g, ''))
    ) {
      problems.add(`a CTE may not be named ${name}, like a table you can query: choose another name`)
    }
  })
  return [...problems]
}

/**
 * Checks the analyzer's `EXPLAIN QUERY TREE`: every TABLE read must be one of ours and sit directly
 * in a CTE of the same name — after `checkCteDefinitions`, one of the wrapper's, which carries the
 * tenant filter; table functions must be generators.
 */
export function checkQueryTree(
  lines: readonly string[],
  rules: Pick<AstRules, 'database' | 'tables'>,
): string[] {
  const problems = new Set<string>()
  const queries: Array<{ depth: number; cte: string | undefined }> = []
  for (const line of lines) {
    const depth = indent(line)
    const text = line.trim()
    while (queries.length > 0 && queries[queries.length - 1]!.depth >= depth) queries.pop()
    if (text.startsWith('QUERY id:')) {
      queries.push({ depth, cte: CTE_NAME.exec(text)?.[1] })
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
