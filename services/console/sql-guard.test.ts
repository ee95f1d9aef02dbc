import { describe, expect, it } from 'vitest'
import {
  checkAst,
  checkCteDefinitions,
  checkParams,
  checkQueryTree,
  checkQuotedNames,
  checkSqlText,
  composeTenantQuery,
  parseExplainAst,
} from './sql-guard.js'

const rules = {
  database: 'mcp_audit',
  tables: ['audit_events', 'alerts'],
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
    '   ExpressionList (children 1)',
    '    Asterisk',
    '   TablesInSelectQuery (children 1)',
    '    TablesInSelectQueryElement (children 1)',
    '     TableExpression (children 1)',
    '      Subquery (children 1)',
    ...inner.map((line) => `       ${line}`),
    '   Literal UInt64_101',
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
      'alerts AS (SELECT * FROM mcp_audit.alerts FINAL WHERE tenant_id = {mcp_audit_tenant:String})',
    )
    expect(sql).toContain('audit_events AS (SELECT * FROM mcp_audit.audit_events FINAL WHERE')
    expect(sql).toMatch(/-- all\n\)\nLIMIT 101$/)
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
    expect(checkAst(parseExplainAst(wrapped(select(['TableIdentifier per_user']))), rules)).toEqual([])
  })

  it.each([
    ['a fully qualified table', select(['TableIdentifier mcp_audit.audit_events'])],
    ['a system table', select(['TableIdentifier system.tables'])],
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

  it('refuses anything but the wrapper shape: a UNION branch beside it, clauses after its bracket', () => {
    // `SELECT 1) UNION ALL WITH audit_events AS (…) SELECT … FROM (SELECT * FROM audit_events`
    const union = wrapped(select(['TableIdentifier audit_events'])).map((line) =>
      line === ' ExpressionList (children 1)' ? ' ExpressionList (children 2)' : line,
    )
    union.splice(
      union.length - 1,
      0,
      ...select(['TableIdentifier audit_events'])
        .slice(2)
        .map((l) => ` ${l}`),
    )
    expect(checkAst(parseExplainAst(union), rules)).toEqual([
      expect.stringContaining('only a single SELECT query is allowed'),
    ])
    const where = wrapped(select(['TableIdentifier audit_events']))
    where.splice(where.length - 1, 0, '   Function equals (children 1)')
    expect(checkAst(parseExplainAst(where), rules).length).toBe(1)
    const otherCte = wrapped([]).map((line) =>
      line.endsWith('TableIdentifier mcp_audit.alerts') ? line.replace('mcp_audit.alerts', 'alerts') : line,
    )
    expect(checkAst(parseExplainAst(otherCte), rules).length).toBe(1)
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

describe('checkCteDefinitions', () => {
  const tree = (...extra: string[]) => [
    'QUERY id: 0',
    '  WITH',
    '    LIST id: 1, nodes: 2',
    '      QUERY id: 2, is_subquery: 1, is_cte: 1, cte_name: audit_events',
    '        JOIN TREE',
    '          IDENTIFIER id: 5, identifier: mcp_audit.audit_events, final: 1',
    '      QUERY id: 10, is_subquery: 1, is_cte: 1, cte_name: alerts',
    '  JOIN TREE',
    '    QUERY id: 20, is_subquery: 1',
    ...extra,
  ]
  it("accepts the wrapper's CTEs and CTEs of other names", () => {
    expect(checkCteDefinitions(tree(), rules.tables)).toEqual([])
    expect(
      checkCteDefinitions(
        tree('      QUERY id: 41, is_subquery: 1, is_cte: 1, cte_name: per_user'),
        rules.tables,
      ),
    ).toEqual([])
  })
  it('refuses a CTE named like a queryable table anywhere but in the wrapper', () => {
    expect(
      checkCteDefinitions(
        tree('      QUERY id: 41, is_subquery: 1, is_cte: 1, cte_name: audit_events'),
        rules.tables,
      ),
    ).toEqual([expect.stringContaining('may not be named audit_events')])
    expect(
      checkCteDefinitions(
        tree('      QUERY id: 41, is_subquery: 1, is_cte: 1, cte_name: reports'),
        rules.tables,
      ),
    ).toHaveLength(1)
    expect(checkCteDefinitions(['UNION id: 0', ...tree().slice(1)], rules.tables).length).toBeGreaterThan(0)
  })
})

describe('checkQuotedNames', () => {
  it('refuses quoted names with escapes or control characters, not strings', () => {
    expect(checkQuotedNames("SELECT 'a\\nb' AS `x y`, 'it''s' AS \"q\"")).toEqual([])
    expect(checkQuotedNames('SELECT 1 AS `a\\nTABLE id: 1`')).toHaveLength(1)
    expect(checkQuotedNames('SELECT 1 AS "a\nb"')).toHaveLength(1)
  })
})
