import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../services/platform/logger.js'
import { ClickHouseWriter, type SourcePosition } from '../../services/normalizer/writer.js'
import { insertEncoded } from '../../services/platform/clickhouse-insert.js'
import {
  compactEncoder,
  type EncodedTable,
  type InsertOptions,
  type Table,
} from '../../services/platform/store/table.js'
import { queryRows } from '../helpers/store.js'
import { openTestStore, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const logger = createLogger({ level: 'silent' })

describe('ClickHouseWriter against the embedded engine', () => {
  let store: TestStore
  let table: string
  /** A test table of its own, inserted the way the store's table modules insert. */
  const rowsTable = (): Table<object> => ({
    name: table,
    async insert(rows, options = {}) {
      await store.client.insert({
        table,
        values: [...rows],
        format: 'JSONEachRow',
        clickhouse_settings: { ...options.settings, insert_deduplication_token: options.dedupToken },
      })
    },
  })

  /** The same table written as JSONCompactEachRow lines, the way audit_events is. */
  const encodedRowsTable = (): EncodedTable<{ id: string; d: string }> => {
    const insertLines = async (lines: readonly string[], options: InsertOptions = {}) => {
      await insertEncoded(store.client, {
        table,
        columns: ['id', 'd'],
        format: 'JSONCompactEachRow',
        body: Buffer.from(`${lines.join('\n')}\n`),
        queryId: `writer-rows-${lines.length}`,
        settings: { ...options.settings, insert_deduplication_token: options.dedupToken },
      })
    }
    const encode = compactEncoder<{ id: string; d: string }>(['id', 'd'])
    return {
      name: table,
      columns: ['id', 'd'],
      encode,
      insertEncoded: insertLines,
      insert: (rows, options) => insertLines(rows.map(encode), options),
    }
  }

  beforeAll(async () => {
    store = openTestStore()
    await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${store.database}` })
    table = `${store.database}.writer_rows`
    await store.client.command({
      query: `CREATE TABLE ${table} (id String, d Date) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100`,
    })
  })
  afterAll(async () => {
    await store.dispose()
  })

  const count = async () =>
    Number((await queryRows<{ n: number }>(store, `SELECT count() AS n FROM ${table}`))[0]!.n)

  it('commits positions only after the rows are stored, flushing on size and on age', async () => {
    const commits: SourcePosition[][] = []
    const writer = new ClickHouseWriter<{ id: string; d: string }>({
      table: rowsTable(),
      logger,
      maxRows: 3,
      maxWaitMs: 200,
      commit: (positions) => {
        commits.push(positions)
        return Promise.resolve()
      },
    })
    writer.add([{ id: 'a', d: '2026-11-24' }], { topic: 't', partition: 0, offset: '10' }, ['t:0:10'])
    expect(writer.isFull()).toBe(false)
    expect(commits).toEqual([])
    writer.add(
      [
        { id: 'b', d: '2026-11-24' },
        { id: 'c', d: '2026-11-24' },
      ],
      { topic: 't', partition: 1, offset: '4' },
      ['t:1:3', 't:1:4'],
    )
    expect(writer.isFull()).toBe(true)
    await writer.flush()
    expect(await count()).toBe(3)
    expect(commits[0]).toEqual([
      { topic: 't', partition: 0, offset: '10' },
      { topic: 't', partition: 1, offset: '4' },
    ])
    writer.add([{ id: 'd', d: '2026-11-24' }], { topic: 't', partition: 0, offset: '11' }, ['t:0:11'])
    await waitFor(() => commits.length, {
      description: 'the age flush (maxWaitMs 200) to commit a second batch',
      timeoutMs: 5_000,
      until: (committed) => committed >= 2,
    })
    expect(await count()).toBe(4)
    expect(commits[1]).toEqual([{ topic: 't', partition: 0, offset: '11' }])
    await writer.shutdown()
  })

  it('retries while the table is unavailable, reports unhealthy, and stores the batch once when it is back', async () => {
    const health: boolean[] = []
    const commits: SourcePosition[][] = []
    const writer = new ClickHouseWriter<{ id: string; d: string }>({
      table: rowsTable(),
      logger,
      maxRows: 100,
      maxWaitMs: 50,
      backoff: { initialMs: 50, maxMs: 200 },
      onHealthChange: (healthy) => health.push(healthy),
      commit: (positions) => {
        commits.push(positions)
        return Promise.resolve()
      },
    })
    await store.client.command({ query: `RENAME TABLE ${table} TO ${table}_away` })
    writer.add([{ id: 'e', d: '2026-11-24' }], { topic: 't', partition: 0, offset: '12' }, ['t:0:12'])
    const flushing = writer.flush()
    await waitFor(() => health, {
      description: 'the writer to report unhealthy while the table is away',
      timeoutMs: 5_000,
      until: (changes) => changes.length > 0,
    })
    expect(health).toEqual([false])
    expect(commits).toEqual([])
    await store.client.command({ query: `RENAME TABLE ${table}_away TO ${table}` })
    await flushing
    expect(health).toEqual([false, true])
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '12' }]])
    expect((await queryRows(store, `SELECT id FROM ${table} WHERE id = 'e'`)).length).toBe(1)
    await writer.shutdown()
  })

  it('retries a failed afterInsert (in-stream detection) before it commits, and never drops it', async () => {
    const calls: string[][] = []
    const commits: SourcePosition[][] = []
    const writer = new ClickHouseWriter<{ id: string; d: string }>({
      table: rowsTable(),
      logger,
      maxRows: 100,
      maxWaitMs: 50,
      backoff: { initialMs: 20, maxMs: 50 },
      afterInsert: (rows) => {
        calls.push(rows.map((row) => (row as { id: string }).id))
        expect(commits).toEqual([])
        return calls.length < 3 ? Promise.reject(new Error('alerts table away')) : Promise.resolve()
      },
      commit: (positions) => {
        commits.push(positions)
        return Promise.resolve()
      },
    })
    writer.add([{ id: 'ai', d: '2026-11-24' }], { topic: 't', partition: 0, offset: '20' }, ['t:0:20'])
    await writer.flush()
    expect(calls).toEqual([['ai'], ['ai'], ['ai']])
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '20' }]])
    expect((await queryRows(store, `SELECT id FROM ${table} WHERE id = 'ai'`)).length).toBe(1)
    await writer.shutdown()
  })

  it('leaves the offsets uncommitted when it stops while afterInsert still fails', async () => {
    const commits: SourcePosition[][] = []
    let calls = 0
    const writer = new ClickHouseWriter<{ id: string; d: string }>({
      table: rowsTable(),
      logger,
      maxRows: 100,
      maxWaitMs: 50,
      backoff: { initialMs: 20, maxMs: 50 },
      afterInsert: () => {
        calls++
        return Promise.reject(new Error('alerts table away'))
      },
      commit: (positions) => {
        commits.push(positions)
        return Promise.resolve()
      },
    })
    writer.add([{ id: 'aj', d: '2026-11-24' }], { topic: 't', partition: 0, offset: '21' }, ['t:0:21'])
    await expect(writer.shutdown(200)).rejects.toThrow(/stopping/)
    expect(calls).toBeGreaterThan(1)
    expect(commits).toEqual([])
  })

  it('isolates rows the store refuses for good, with their origins, and stores the rest', async () => {
    const rejected: object[] = []
    const rejectedOrigins: string[] = []
    const writer = new ClickHouseWriter<{ id: string; d: string }, string>({
      table: rowsTable(),
      logger,
      maxRows: 100,
      maxWaitMs: 1_000,
      commit: () => Promise.resolve(),
      onRejected: (rows) => {
        rejected.push(...rows.map(({ row }) => row))
        rejectedOrigins.push(...rows.map(({ origin }) => origin))
        return Promise.resolve()
      },
    })
    const rows = Array.from({ length: 8 }, (_, i) => ({
      id: `bad-batch-${i}`,
      d: i === 5 ? 'not a date' : '2026-11-24',
    }))
    writer.add(
      rows,
      { topic: 't', partition: 2, offset: '99' },
      rows.map((_, i) => `t:2:${92 + i}`),
    )
    await writer.flush()
    expect(rejected).toEqual([{ id: 'bad-batch-5', d: 'not a date' }])
    expect(rejectedOrigins).toEqual(['t:2:97'])
    const stored = await queryRows<{ id: string }>(
      store,
      `SELECT id FROM ${table} WHERE startsWith(id, 'bad-batch-') ORDER BY id`,
    )
    expect(stored.map((r) => r.id)).toEqual(rows.filter((_, i) => i !== 5).map((r) => r.id))
    await writer.shutdown()
  })

  it('inserts the encoded lines it was given, and narrows a refused one down to its row and origin', async () => {
    const rejected: Array<{ row: object; origin: string }> = []
    const writer = new ClickHouseWriter<{ id: string; d: string }, string>({
      table: encodedRowsTable(),
      logger,
      maxRows: 100,
      maxWaitMs: 1_000,
      commit: () => Promise.resolve(),
      onRejected: (rows) => {
        rejected.push(...rows.map(({ row, origin }) => ({ row, origin })))
        return Promise.resolve()
      },
    })
    const rows = Array.from({ length: 8 }, (_, i) => ({ id: `enc-${i}`, d: '2026-11-24' }))
    // The lines are what is stored (a worker encoded them); line 5 holds a value the store refuses.
    const lines = rows.map((row, i) => JSON.stringify([`${row.id}-line`, i === 5 ? 'not a date' : row.d]))
    writer.add(
      rows,
      { topic: 't', partition: 3, offset: '7' },
      rows.map((_, i) => `t:3:${i}`),
      lines,
    )
    // Rows added without lines are encoded by the writer.
    writer.add([{ id: 'enc-plain', d: '2026-11-25' }], { topic: 't', partition: 3, offset: '8' }, ['t:3:8'])
    await writer.flush()
    expect(rejected).toEqual([{ row: rows[5], origin: 't:3:5' }])
    const stored = await queryRows<{ id: string; d: string }>(
      store,
      `SELECT id, toString(d) AS d FROM ${table} WHERE startsWith(id, 'enc-') ORDER BY id`,
    )
    expect(stored).toEqual([
      ...[0, 1, 2, 3, 4, 6, 7].map((i) => ({ id: `enc-${i}-line`, d: '2026-11-24' })),
      { id: 'enc-plain', d: '2026-11-25' },
    ])
    await writer.shutdown()
  })
})
