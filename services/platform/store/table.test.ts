import { Readable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { compactEncoder, defineEncodedTable, defineTable, tableName } from './table.js'

type InsertParams = Parameters<ClickHouseClient['insert']>[0]

/** Records what a table module asks the client to insert (the engine itself is tested in test/integration). */
function recordingStore() {
  const inserts: InsertParams[] = []
  const client = {
    insert: (params: InsertParams) => {
      inserts.push(params)
      return Promise.resolve()
    },
  } as unknown as ClickHouseClient
  return { inserts, store: { client, database: 'mcp_audit' } }
}

describe('defineTable', () => {
  const watermarks = defineTable<{ rule_id: string; at: Date }>('detector_watermarks', (row) => ({
    rule_id: row.rule_id,
    at: row.at.getTime(),
  }))

  it('inserts JSONEachRow into the qualified table, rows as stored, with a query id naming the table', async () => {
    const { inserts, store } = recordingStore()
    const table = watermarks(store)
    expect(table.name).toBe('mcp_audit.detector_watermarks')
    await table.insert([{ rule_id: 'r', at: new Date(5) }])
    expect(inserts).toHaveLength(1)
    expect(inserts[0]).toMatchObject({
      table: 'mcp_audit.detector_watermarks',
      format: 'JSONEachRow',
      values: [{ rule_id: 'r', at: 5 }],
    })
    expect(inserts[0]!.query_id).toMatch(/^detector_watermarks-[0-9a-f-]{36}$/)
  })

  it('passes a named token and settings, and never an undefined token (the embedded store supplies one)', async () => {
    const { inserts, store } = recordingStore()
    await watermarks(store).insert([{ rule_id: 'r', at: new Date(0) }], {
      dedupToken: 'tok',
      settings: { async_insert: 0 },
      queryId: 'q1',
    })
    await watermarks(store).insert([{ rule_id: 'r', at: new Date(0) }])
    expect(inserts[0]).toMatchObject({
      query_id: 'q1',
      clickhouse_settings: { insert_deduplication_token: 'tok', async_insert: 0 },
    })
    expect(inserts[1]!.clickhouse_settings).toEqual({})
  })

  it('sends nothing for no rows', async () => {
    const { inserts, store } = recordingStore()
    await watermarks(store).insert([])
    expect(inserts).toEqual([])
  })

  it('qualifies a table name with the database', () => {
    expect(tableName('db1', 'alerts')).toBe('db1.alerts')
  })
})

type ExecParams = Parameters<ClickHouseClient['exec']>[0]

/** A server-mode client that records its HTTP inserts (the embedded engine is tested in test/integration). */
function recordingServer() {
  const execs: Array<{ params: ExecParams; body: string }> = []
  const client = {
    exec: async (params: ExecParams) => {
      const chunks: Buffer[] = []
      for await (const chunk of (params as { values: Readable }).values) chunks.push(chunk as Buffer)
      execs.push({ params, body: Buffer.concat(chunks).toString() })
      return { stream: Readable.from([]) }
    },
  } as unknown as ClickHouseClient
  return { execs, store: { client, database: 'mcp_audit' } }
}

describe('defineEncodedTable', () => {
  interface Seal {
    tenant_id: string
    attributes: Record<string, string>
    code: number | null
  }
  const seals = defineEncodedTable<Seal>('integrity_seals', ['code', 'tenant_id', 'attributes'])

  it('encodes a row as its values in column order, names and all', () => {
    const encode = compactEncoder<Seal>(['code', 'tenant_id', 'attributes'])
    expect(encode({ tenant_id: 't"1', attributes: { a: 'x\ny' }, code: null })).toBe(
      '[null,"t\\"1",{"a":"x\\ny"}]',
    )
  })

  it('sends the lines as one JSONCompactEachRow insert naming its columns, with token and settings', async () => {
    const { execs, store } = recordingServer()
    const table = seals(store)
    await table.insert([{ tenant_id: 'a', attributes: {}, code: 1 }], { dedupToken: 'tok', queryId: 'q1' })
    await table.insertEncoded([table.encode({ tenant_id: 'b', attributes: {}, code: 2 }), '[3,"c",{}]'], {
      settings: { async_insert: 0 },
    })
    expect(execs.map((e) => e.body)).toEqual(['[1,"a",{}]\n', '[2,"b",{}]\n[3,"c",{}]\n'])
    expect(execs[0]!.params).toMatchObject({
      query: 'INSERT INTO mcp_audit.integrity_seals (code, tenant_id, attributes) FORMAT JSONCompactEachRow',
      query_id: 'q1',
      clickhouse_settings: { insert_deduplication_token: 'tok' },
    })
    expect(execs[1]!.params.clickhouse_settings).toEqual({ async_insert: 0 })
    expect(execs[1]!.params.query_id).toMatch(/^integrity_seals-[0-9a-f-]{36}$/)
  })

  it('sends nothing for no rows', async () => {
    const { execs, store } = recordingServer()
    await seals(store).insertEncoded([])
    expect(execs).toEqual([])
  })
})
