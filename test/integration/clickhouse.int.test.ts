import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { openTestStore, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })

function auditRow(eventId: string, overrides: Record<string, unknown> = {}) {
  return {
    tenant_id: 'acme',
    event_id: eventId,
    occurred_at: '2026-11-24 10:00:00.123',
    received_at: '2026-11-24 10:00:00.200',
    gateway: 'gw-eu-1',
    gateway_format: 'generic',
    method: 'tools/call',
    server_name: 'filesystem',
    tool: 'read_file',
    user_id: 'u_3f9a',
    user_id_kind: 'pseudonym',
    status: 'success',
    duration_ms: 12.5,
    redaction_findings: { EMAIL: 2 },
    retention_until: '2027-11-24',
    ...overrides,
  }
}

describe('embedded ClickHouse store and migrations', () => {
  let store: TestStore

  beforeAll(() => {
    store = openTestStore()
  })
  afterAll(async () => {
    await store.dispose()
  })

  it('applies migrations once and skips them when run again', async () => {
    const first = await migrate(store, logger)
    expect(first.applied.map((m) => m.name)).toContain('audit_events')
    const second = await migrate(store, logger)
    expect(second.applied).toEqual([])
    expect(second.alreadyApplied).toBe(first.applied.length)
    const recorded = await store.client.query({
      query: `SELECT count() AS n FROM ${store.database}.schema_migrations FINAL`,
      format: 'JSONEachRow',
    })
    expect(await recorded.json()).toEqual([{ n: first.applied.length }])
  })

  it('creates audit_events with every stored-event column, partitioned by month, with a TTL', async () => {
    const result = await store.client.query({
      query:
        'SELECT partition_key, sorting_key, engine_full FROM system.tables WHERE database = {db:String} AND name = {table:String}',
      query_params: { db: store.database, table: 'audit_events' },
      format: 'JSONEachRow',
    })
    const [table] = await result.json<{ partition_key: string; sorting_key: string; engine_full: string }>()
    expect(table!.partition_key).toBe('toYYYYMM(occurred_at)')
    expect(table!.sorting_key).toContain('event_id')
    expect(table!.engine_full).toContain('TTL retention_until')

    const columns = await store.client.query({
      query: 'SELECT name FROM system.columns WHERE database = {db:String} AND table = {table:String}',
      query_params: { db: store.database, table: 'audit_events' },
      format: 'JSONEachRow',
    })
    const names = (await columns.json<{ name: string }>()).map((c) => c.name)
    for (const column of [
      'tenant_id',
      'event_id',
      'occurred_at',
      'received_at',
      'ingested_at',
      'gateway',
      'method',
      'server_name',
      'tool',
      'resource_uri',
      'prompt',
      'session_id',
      'request_id',
      'trace_id',
      'client_name',
      'user_id',
      'user_roles',
      'auth_method',
      'source_ip',
      'user_agent',
      'arguments',
      'result',
      'status',
      'error_code',
      'error_message',
      'duration_ms',
      'decision',
      'data_region',
      'tls',
      'attributes',
      'redaction_findings',
      'retention_until',
    ]) {
      expect(names).toContain(column)
    }
  })

  it('drops a retried insert with the same deduplication token and collapses redelivered rows', async () => {
    const table = `${store.database}.audit_events`
    const rows = [auditRow('e-1'), auditRow('e-2')]
    for (let attempt = 0; attempt < 3; attempt++) {
      await store.client.insert({
        table,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: 'mcp.audit.raw:0:0-1' },
      })
    }
    // A redelivery in a different batch (new token) is collapsed by the ReplacingMergeTree key.
    await store.client.insert({
      table,
      values: [auditRow('e-2', { received_at: '2026-11-24 10:00:05.000' })],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: 'mcp.audit.raw:0:2-2' },
    })
    const count = async (sql: string) => {
      const result = await store.client.query({ query: sql, format: 'JSONEachRow' })
      return Number((await result.json<{ n: string | number }>())[0]!.n)
    }
    expect(await count(`SELECT count() AS n FROM ${table}`)).toBe(3)
    expect(await count(`SELECT count() AS n FROM ${table} FINAL`)).toBe(2)
    expect(await count(`SELECT sum(redaction_count) AS n FROM ${table} FINAL`)).toBe(4)
  })

  it('binds query parameters instead of splicing values into SQL', async () => {
    const result = await store.client.query({
      query: `SELECT count() AS n FROM ${store.database}.audit_events FINAL WHERE tenant_id = {tenant:String}`,
      query_params: { tenant: "acme' OR 1=1 --" },
      format: 'JSONEachRow',
    })
    expect(await result.json()).toEqual([{ n: 0 }])
  })
})
