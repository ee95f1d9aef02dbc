import { describe, expect, it } from 'vitest'
import {
  checkAst,
  checkParams,
  checkQueryTree,
  checkSqlText,
  composeTenantQuery,
  cteNames,
  parseExplainAst,
} from './sql-guard.js'

const rules = {
  database: 'mcp_audit',
  tables: ['audit_events', 'alerts'],
  userCtes: new Set<string>(),
  databases: new Set(['mcp_audit', 'system', 'default']),
}

/** The wrapper's own part of an EXPLAIN AST: the two tenant CTEs, then the admin's query. */
function wrapped(inner: string[]): string[] {
  return [
    'SelectWithUnionQuery (children 2)',
    ' ExpressionList (children 1)',
    '  SelectQuery (children 4)',
    '   ExpressionList (children 2)',
    '    WithElement (children 1)',
    '     Subquery (children 1)',
    '      SelectWithUnionQuery (children 1)',
    '       ExpressionList (children 1)',
    '        SelectQuery (children 2)',
    '         TablesInSelectQuery (children 1)',
    '          TablesInSelectQueryElement (children 1)',
    '           TableExpression (children 1)',
    '            TableIdentifier mcp_audit.audit_events',
    '    WithElement (children 1)',
    '     Subquery (children 1)',
    '      SelectWithUnionQuery (children 1)',
    '       ExpressionList (children 1)',
    '        SelectQuery (children 2)',
    '         TablesInSelectQuery (children 1)',
    '          TablesInSelectQueryElement (children 1)',
    '           TableExpression (children 1)',
    '            TableIdentifier mcp_audit.alerts',
    '   TablesInSelectQuery (children 1)',
    '    TablesInSelectQueryElement (children 1)',
    '     TableExpression (children 1)',
    '      Subquery (children 1)',
    ...inner.map((line) => `       ${line}`),
    ' Identifier JSONEachRow',
  ]
}

const select = (tableLines: string[], extra: string[] = []) => [
  'SelectWithUnionQuery (children 1)',
  ' ExpressionList (children 1)',
  '  SelectQuery (children 2)',
  '   TablesInSelectQuery (children 1)',
  '    TablesInSelectQueryElement (children 1)',
  '     TableExpression (children 1)',
  ...tableLines.map((line) => `      ${line}`),
  ...extra.map((line) => `   ${line}`),
]

describe('checkSqlText', () => {
  it('accepts one statement and strips a trailing semicolon', () => {
    expect(checkSqlText('SELECT 1;  \n')).toEqual({ ok: true, value: 'SELECT 1' })
  })
  it.each([
    ['SELECT 1; DROP TABLE audit_events'],
    ["SELECT 'a;b'"],
    ['SELECT 1 -- ;\n'.repeat(1) + '; SELECT 2'],
    [''],
    [42],
    ['x'.repeat(20_001)],
  ])('refuses %#', (sql) => {
    expect(checkSqlText(sql).ok).toBe(false)
  })
})

describe('checkParams', () => {
  it('accepts plain values and refuses the reserved tenant name and odd shapes', () => {
    expect(checkParams({ n: 1, s: 'x', a: ['a', 1], b: null })).toEqual({
      ok: true,
      value: { n: 1, s: 'x', a: ['a', 1], b: null },
    })
    expect(checkParams({ mcp_audit_tenant: 'other' }).ok).toBe(false)
    expect(checkParams({ MCP_AUDIT_TENANT: 'other' }).ok).toBe(false)
    expect(checkParams({ 'a b': 1 }).ok).toBe(false)
    expect(checkParams({ o: { nested: 1 } }).ok).toBe(false)
    expect(checkParams([1]).ok).toBe(false)
  })
})

describe('composeTenantQuery', () => {
  it('shadows each table with a tenant-filtered CTE and ends a trailing comment before its bracket', () => {
    const sql = composeTenantQuery('SELECT count() FROM audit_events -- all', {
      database: 'mcp_audit',
      tables: ['audit_events', 'alerts'],
      maxRows: 100,
    })
    expect(sql).toContain(
      'audit_events AS (SELECT * FROM mcp_audit.audit_events WHERE tenant_id = {mcp_audit_tenant:String})',
    )
    expect(sql).toContain(
      'alerts AS (SELECT * FROM mcp_audit.alerts FINAL WHERE tenant_id = {mcp_audit_tenant:String})',
    )
    expect(sql).toMatch(/-- all\n\)\nLIMIT 101$/)
  })
})

describe('cteNames', () => {
  it('finds names defined as CTEs', () => {
    expect([...cteNames('WITH per_user AS (SELECT 1), `q x` AS (SELECT 2) SELECT * FROM per_user')]).toEqual([
      'per_user',
      'q x',
    ])
  })
})

describe('checkAst', () => {
  it('accepts a query over the exposed tables, generators and its own CTEs', () => {
    const inner = select(
      ['TableIdentifier audit_events (alias e)'],
      [
        'Function in (children 1)',
        ' ExpressionList (children 2)',
        '  Identifier e.tool',
        '  Subquery (children 1)',
      ],
    )
    expect(checkAst(parseExplainAst(wrapped(inner)), rules)).toEqual([])
    expect(checkAst(parseExplainAst(wrapped(select(['Function numbers (children 1)']))), rules)).toEqual([])
    expect(
      checkAst(parseExplainAst(wrapped(select(['TableIdentifier per_user']))), {
        ...rules,
        userCtes: new Set(['per_user']),
      }),
    ).toEqual([])
  })

  it.each([
    ['a fully qualified table', select(['TableIdentifier mcp_audit.audit_events'])],
    ['a system table', select(['TableIdentifier system.tables'])],
    ['an unknown table', select(['TableIdentifier schema_migrations'])],
    ['a file table function', select(['Function file (children 1)'])],
    ['a remote table function', select(['Function remote (children 1)'])],
    ['a settings clause', select(['TableIdentifier audit_events'], ['Set'])],
    ['a dictionary lookup', select(['TableIdentifier audit_events'], ['Function dictGet (children 1)'])],
    ['the scalar file()', select(['TableIdentifier audit_events'], ['Function file (children 1)'])],
    [
      'IN with a table name',
      select(
        ['TableIdentifier audit_events'],
        [
          'Function in (children 1)',
          ' ExpressionList (children 2)',
          '  Identifier tool',
          '  Identifier alerts',
        ],
      ),
    ],
    [
      'a database-qualified identifier',
      select(['TableIdentifier audit_events'], ['Identifier system.one.dummy']),
    ],
  ])('refuses %s', (_name, inner) => {
    expect(checkAst(parseExplainAst(wrapped(inner)), rules).length).toBeGreaterThan(0)
  })

  it('refuses a second statement or anything that is not a SELECT', () => {
    expect(checkAst(parseExplainAst(['ShowTables (children 1)']), rules).length).toBeGreaterThan(0)
    expect(checkAst(parseExplainAst([...wrapped([]), 'SelectWithUnionQuery']), rules).length).toBeGreaterThan(
      0,
    )
  })
})

describe('checkQueryTree', () => {
  const tree = (cte: string, table: string) => [
    'QUERY id: 0',
    '  JOIN TREE',
    `    QUERY id: 3, alias: __table1, is_subquery: 1, is_cte: 1, cte_name: ${cte}`,
    '      JOIN TREE',
    `        TABLE id: 5, alias: __table2, table_name: ${table}`,
    '      WHERE',
  ]
  it('accepts tables read inside the tenant CTE of the same name', () => {
    expect(checkQueryTree(tree('audit_events', 'mcp_audit.audit_events'), rules)).toEqual([])
    expect(checkQueryTree(['QUERY id: 0', '  TABLE id: 1, table_name: system.one'], rules)).toEqual([])
  })
  it('refuses tables read anywhere else', () => {
    expect(checkQueryTree(tree('x', 'mcp_audit.audit_events'), rules).length).toBe(1)
    expect(checkQueryTree(tree('alerts', 'mcp_audit.audit_events'), rules).length).toBe(1)
    expect(checkQueryTree(tree('audit_events', 'default.audit_events'), rules).length).toBe(1)
    expect(checkQueryTree(['QUERY id: 0', '  TABLE id: 1, table_name: system.tables'], rules).length).toBe(1)
    expect(
      checkQueryTree(['QUERY id: 0', '  TABLE_FUNCTION id: 1, table_function_name: url'], rules).length,
    ).toBe(1)
  })
})
