import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * Keeps every ClickHouse table behind its module in this folder: outside it, no code inserts
 * (`client.insert(`, `.insert({`) and no code names a table in text (a quoted name, `db.table`
 * built from a variable, or a name after FROM/JOIN/INTO/TABLE); SQL takes the name from the
 * module's constant. Comments and unit tests are not checked.
 */

const SERVICES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const STORE = path.join(SERVICES, 'platform', 'store')
const TABLES = [
  'audit_events',
  'ingest_receipts',
  'alerts',
  'alert_deliveries',
  'detector_watermarks',
  'reports',
  'schema_migrations',
  'integrity_seals',
  'export_checkpoints',
]
const NAME = `(?:${TABLES.join('|')})\\b`
// `alerts` and `reports` are also config keys and folder names: quoted, only the others are surely tables.
const QUOTED = `(?:${TABLES.filter((table) => table.includes('_')).join('|')})`

const FORBIDDEN: Array<{ rule: string; pattern: RegExp }> = [
  { rule: 'raw insert', pattern: /\bclient\.insert\(|\.insert\(\s*\{\s*table\b/ },
  { rule: 'quoted table name', pattern: new RegExp(`['"\`]${QUOTED}['"\`]`) },
  { rule: 'table name after a database', pattern: new RegExp(`\\}\\.${NAME}`) },
  {
    rule: 'table name in SQL',
    pattern: new RegExp(`\\b(?:FROM|JOIN|INTO|TABLE)\\s+(?:\\w+\\.)?${NAME}`, 'i'),
  },
]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return full === STORE ? [] : sourceFiles(full)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : []
  })
}

const isComment = (line: string) => /^\s*(\/\/|\/\*|\*)/.test(line)

export function offences(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      isComment(line)
        ? []
        : FORBIDDEN.filter(({ pattern }) => pattern.test(line)).map(
            ({ rule }) => `${file}:${index + 1}: ${rule}: ${line.trim()}`,
          ),
    )
}

describe('ClickHouse tables are reached only through services/platform/store/', () => {
  it('finds the kinds of offence it is meant to find', () => {
    const sample = [
      'await store.client.insert({ table, values })',
      "const t = 'ingest_receipts'",
      'const q = `SELECT 1 FROM ${db}.audit_events`',
      'const q = `SELECT 1 FROM mcp_audit.reports FINAL`',
      '// a comment about audit_events FROM alerts is fine',
      "config.alerts.webhooks, path.join(dir, 'reports') and mcp_audit_alert_deliveries_total are fine",
      'await reports.insert({ ...record, error })',
    ].join('\n')
    expect(offences('sample.ts', sample).map((o) => o.split(': ')[1])).toEqual([
      'raw insert',
      'quoted table name',
      'table name after a database',
      'table name in SQL',
    ])
  })

  it('finds no raw insert and no table name outside the store modules', () => {
    const found = sourceFiles(SERVICES).flatMap((file) =>
      offences(path.relative(SERVICES, file), readFileSync(file, 'utf8')),
    )
    expect(found).toEqual([])
  })
})
