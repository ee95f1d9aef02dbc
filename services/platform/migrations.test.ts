import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations, splitStatements } from './migrations.js'

describe('splitStatements', () => {
  it('splits on a semicolon that ends a line and drops comment lines', () => {
    const sql =
      "-- header; not a statement\nCREATE TABLE a (x String DEFAULT ';');\n\nCREATE TABLE b (y UInt8)\nENGINE = Memory;\n"
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x String DEFAULT ';')",
      'CREATE TABLE b (y UInt8)\nENGINE = Memory',
    ])
  })
})

describe('loadMigrations', () => {
  it('loads the shipped migrations in order with the database substituted', () => {
    const migrations = loadMigrations('mcp_audit_x')
    expect(migrations[0]).toMatchObject({ version: 1, name: 'audit_events' })
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(migrations[0]!.statements[0]).toContain('CREATE TABLE IF NOT EXISTS mcp_audit_x.audit_events')
    expect(migrations.flatMap((m) => m.statements).join('\n')).not.toContain('{database}')
  })

  it('rejects badly named or gapped files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-mig-'))
    writeFileSync(path.join(dir, '0001_first.sql'), 'SELECT 1;')
    writeFileSync(path.join(dir, '0003_third.sql'), 'SELECT 3;')
    expect(() => loadMigrations('db', dir)).toThrow(/without gaps; found 0003_third at position 2/)
    writeFileSync(path.join(dir, 'Second.sql'), 'SELECT 2;')
    expect(() => loadMigrations('db', dir)).toThrow(/name must look like 0001_create_table\.sql/)
  })
})
