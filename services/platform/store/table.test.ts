import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { defineTable, tableName } from './table.js'

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
