import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import {
  adminSandboxDatabase,
  createAdminQuery,
  QueryBusyError,
  QueryRejectedError,
  type AdminQuery,
} from '../../services/console/admin-query.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { openTestStore, queryRows, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const logger = createLogger({ level: 'silent' })
const config = AppConfig.parse({})

function event(tenant: string, id: string, extra: Record<string, unknown> = {}) {
  return {
    tenant_id: tenant,
    event_id: id,
    occurred_at: new Date().toISOString(),
    received_at: new Date().toISOString(),
    gateway: 'gw-1',
    gateway_format: 'generic',
    method: 'tools/call',
    server_name: tenant === 'globex' ? 'globex-secret' : 'filesystem',
    tool: tenant === 'globex' ? 'globex_tool' : 'read_file',
    user_id: `u_${tenant}`,
    user_id_kind: 'pseudonym',
    status: 'success',
    duration_ms: 20,
    retention_until: '2099-01-01',
    ...extra,
  }
}

function alert(tenant: string, id: string, updatedAt: string) {
  return {
    alert_id: id,
    tenant_id: tenant,
    rule_id: 'mcp-test-rule',
    rule_title: `rule of ${tenant}`,
    rule_kind: 'match',
    severity: 'high',
    tags: [],
    group_key: '',
    group_values: {},
    count: 1,
    value: null,
    first_seen: updatedAt,
    last_seen: updatedAt,
    sample_event_ids: [],
    summary: `alert of ${tenant}`,
    status: 'open',
    created_at: updatedAt,
    updated_at: updatedAt,
    updated_by: 'detector',
  }
}

/** Hand-written attempts: every way out of the tenant the review and earlier tests found. */
function handWritten(db: string): Array<[string, Record<string, unknown>?]> {
  return [
    // The exploit of issue 15: close the wrapper's bracket, start a UNION branch with its own WITH.
    [
      'SELECT 1 AS tenant_id, 2 AS tool) UNION ALL WITH audit_events AS (SELECT * FROM audit_events) SELECT tenant_id, tool FROM (SELECT * FROM audit_events',
    ],
    [`SELECT * FROM ${db}.audit_events`],
    [`SELECT * FROM \`${db}\`.\`audit_events\``],
    [`SELECT * FROM "${db}"."audit_events"`],
    [`SELECT * FROM ${db} . /* gap */ audit_events`],
    [`SELECT * FROM \`${db}.audit_events\``],
    [`SELECT count() FROM audit_events UNION ALL SELECT count() FROM ${db}.audit_events`],
    [`SELECT * FROM (SELECT * FROM ${db}.audit_events)`],
    [`SELECT * FROM audit_events WHERE event_id IN (SELECT event_id FROM ${db}.audit_events)`],
    [`SELECT * FROM audit_events -- c\n UNION ALL SELECT * FROM ${db}.audit_events`],
    [`SELECT 1) UNION ALL (SELECT tenant_id FROM ${db}.audit_events`],
    [`WITH audit_events AS (SELECT * FROM ${db}.audit_events) SELECT * FROM audit_events`],
    [`SELECT 'x' IN ${db}.audit_events`],
    [`SELECT event_id FROM audit_events WHERE event_id IN audit_events`],
    ['SELECT * FROM {t:Identifier}', { t: `${db}.audit_events` }],
    ['SELECT * FROM audit_events', { mcp_audit_tenant: 'globex' }],
    ['SELECT * FROM system.tables'],
    ['SELECT * FROM system.query_log'],
    ['SELECT * FROM schema_migrations'],
    ['SELECT * FROM detector_watermarks'],
    ["SELECT * FROM file('/etc/passwd', 'LineAsString')"],
    ["SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')"],
    [`SELECT * FROM remote('127.0.0.1', ${db}.audit_events)`],
    [`SELECT * FROM merge('${db}', '.*')`],
    [`SELECT * FROM view(SELECT * FROM ${db}.audit_events)`],
    [`SELECT * FROM clusterAllReplicas('default', ${db}.audit_events)`],
    [`SELECT * FROM (EXPLAIN QUERY TREE SELECT (SELECT groupArray(tenant_id) FROM ${db}.audit_events))`],
    ['SELECT * FROM (EXPLAIN SELECT * FROM audit_events)'],
    ['SELECT * FROM loop(audit_events) LIMIT 1'],
    ["SELECT file('/etc/passwd')"],
    ["SELECT getSetting('readonly')"],
    ['SELECT * FROM audit_events SETTINGS readonly = 0'],
    ['SELECT * FROM audit_events SETTINGS max_execution_time = 0'],
    ['SELECT 1; SELECT * FROM system.tables'],
    [`SELECT 1; INSERT INTO ${db}.alerts (alert_id) VALUES ('x')`],
    [`INSERT INTO audit_events (event_id) VALUES ('x')`],
    [`ALTER TABLE audit_events DELETE WHERE 1`],
    ['SHOW TABLES'],
    ['DROP TABLE audit_events'],
    ["SELECT 1 INTO OUTFILE '/tmp/x'"],
    // Forged EXPLAIN lines: a line break in a name or a string would add lines of the query's choosing.
    [`SELECT 1 AS \`a\n      QUERY id: 9, is_subquery: 1, is_cte: 1, cte_name: audit_events\``],
    [`SELECT 'a\\n            TABLE id: 5, table_name: ${db}.audit_events' AS s FROM audit_events`],
    ['WITH `audit_events` AS (SELECT * FROM audit_events) SELECT tenant_id FROM `audit_events`'],
    ['WITH reports AS (SELECT 1) SELECT * FROM reports'],
    [
      'SELECT tenant_id FROM audit_events) WHERE 1 UNION ALL SELECT tenant_id FROM (SELECT * FROM audit_events',
    ],
  ]
}

/** Generated attempts: each way to name a table inside each way to leave the wrapper. */
function generated(db: string): string[] {
  const sources = [
    'audit_events',
    'AUDIT_EVENTS',
    '`audit_events`',
    `${db}.audit_events`,
    `\`${db}\`.audit_events`,
    `"${db}"."audit_events"`,
    `${db} . /* ) */ audit_events`,
    `merge('${db}', 'audit')`,
    `view(SELECT * FROM ${db}.audit_events)`,
    '(SELECT * FROM audit_events)',
  ]
  const shapes = [
    (src: string) => `SELECT tenant_id, tool FROM ${src}`,
    (src: string) =>
      `SELECT 1 AS tenant_id, 2 AS tool) UNION ALL SELECT tenant_id, tool FROM (SELECT * FROM ${src}`,
    (src: string) =>
      `SELECT 1 AS tenant_id, 2 AS tool) UNION ALL WITH audit_events AS (SELECT * FROM ${src}) SELECT tenant_id, tool FROM (SELECT * FROM audit_events`,
    (src: string) => `WITH audit_events AS (SELECT * FROM ${src}) SELECT tenant_id, tool FROM audit_events`,
    (src: string) =>
      `SELECT tenant_id FROM audit_events UNION ALL (WITH x AS (SELECT * FROM ${src}) SELECT tenant_id FROM x)`,
    (src: string) => `SELECT (SELECT groupArray(tenant_id) FROM ${src}) AS t`,
    (src: string) =>
      `SELECT tenant_id FROM audit_events WHERE 1 OR tenant_id IN (SELECT tenant_id FROM ${src})`,
    (src: string) => `SELECT a.tenant_id, b.tenant_id FROM audit_events AS a, ${src} AS b`,
    (src: string) => `/* ) */ SELECT tenant_id FROM ((${src})) -- )`,
    (src: string) => `SELECT 1 AS tenant_id) WHERE 0 UNION ALL SELECT tenant_id FROM ${src} WHERE (1 -- `,
    (src: string) =>
      `SELECT * FROM (SELECT 1 AS tenant_id) UNION ALL WITH y AS (SELECT tenant_id FROM ${src}) SELECT * FROM y`,
    (src: string) => `SELECT 1) AS w, ${src} AS v WHERE (1`,
  ]
  return shapes.flatMap((shape) => sources.map((src) => shape(src)))
}

describe('admin SQL stays inside the tenant', () => {
  let store: TestStore
  const sessions: AdminQuery[] = []
  const open = (options: Partial<Parameters<typeof createAdminQuery>[0]> = {}) => {
    const session = createAdminQuery({
      store,
      config,
      limits: { maxRows: 50, maxExecutionSeconds: 5 },
      ...options,
    })
    sessions.push(session)
    return session
  }

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    const acme = Array.from({ length: 5 }, (_, i) => event('acme', `acme-${i}`))
    const globex = Array.from({ length: 3 }, (_, i) => event('globex', `globex-${i}`))
    await store.client.insert({
      table: `${store.database}.audit_events`,
      values: [...acme, ...globex],
      format: 'JSONEachRow',
    })
    // A redelivered event and a later version of an alert: FINAL counts each once.
    await store.client.insert({
      table: `${store.database}.audit_events`,
      values: [acme[0]!],
      format: 'JSONEachRow',
    })
    await store.client.insert({
      table: `${store.database}.alerts`,
      values: [alert('acme', 'a-1', '2026-01-01 00:00:00'), alert('globex', 'g-1', '2026-01-01 00:00:00')],
      format: 'JSONEachRow',
    })
    await store.client.insert({
      table: `${store.database}.alerts`,
      values: [{ ...alert('acme', 'a-1', '2026-01-02 00:00:00'), status: 'resolved' }],
      format: 'JSONEachRow',
    })
  })
  afterAll(async () => {
    for (const session of sessions) await session.close()
    await store?.dispose()
  })

  let answered = 0
  /** Refused, or answered with the caller's rows only. */
  async function expectConfined(session: AdminQuery, sql: string, params?: Record<string, unknown>) {
    try {
      const result = await session.run('acme', sql, params)
      answered++
      expect(JSON.stringify(result.rows), sql).not.toContain('globex')
    } catch (err) {
      if (!(err instanceof QueryRejectedError)) throw err
      expect(err.message, sql).not.toContain('globex')
    }
  }

  it.each(['default', 'data'])(
    'refuses or confines over 100 attempts when the current database is %s',
    async (current) => {
      const db = store.database
      const session = open({ sessionDatabase: current === 'data' ? db : current })
      const attempts = [...handWritten(db), ...generated(db).map((sql) => [sql] as [string])]
      expect(attempts.length).toBeGreaterThanOrEqual(150)
      answered = 0
      for (const [sql, params] of attempts) await expectConfined(session, sql, params)
      // The generated attempts include plain reads of the tenant's tables, which are answered.
      expect(answered).toBeGreaterThanOrEqual(10)
      // The exploit is refused outright, not merely answered with acme's rows.
      await expect(session.run('acme', handWritten(db)[0]![0], undefined)).rejects.toThrow(
        /cannot parse the query on its own .*Unmatched parentheses/,
      )
    },
    120_000,
  )

  it('runs in the empty sandbox database and answers errors without hints', async () => {
    const session = open()
    const [row] = (await session.run('acme', 'SELECT currentDatabase() AS db', undefined)).rows
    expect(row).toEqual({ db: adminSandboxDatabase(store.database) })
    for (const attempt of handWritten(store.database)) await expectConfined(session, attempt[0], attempt[1])
    const unknown = session.run('acme', 'SELECT * FROM users', undefined)
    await expect(unknown).rejects.toThrow(/Unknown table.*You can query audit_events/)
    await expect(unknown).rejects.not.toThrow(/Maybe|system\.users/)
    await expect(session.run('acme', 'SELECT toolz FROM audit_events', undefined)).rejects.not.toThrow(
      /Maybe/,
    )
  })

  it('reads every table deduplicated and says so when FINAL is written', async () => {
    const session = open()
    const counts = await session.run(
      'acme',
      'SELECT (SELECT count() FROM audit_events) AS events, (SELECT count() FROM alerts) AS alerts, (SELECT any(status) FROM alerts) AS status',
      undefined,
    )
    expect(counts.rows.map((r) => ({ ...r, events: Number(r.events), alerts: Number(r.alerts) }))).toEqual([
      { events: 5, alerts: 1, status: 'resolved' },
    ])
    await expect(session.run('acme', 'SELECT count() FROM audit_events FINAL', undefined)).rejects.toThrow(
      /remove FINAL/,
    )
  })

  it('runs one query per tenant and a few overall, with read limits', async () => {
    const session = open({ limits: { maxExecutionSeconds: 5, maxConcurrent: 2, maxRowsToRead: 100_000 } })
    const slow = 'SELECT sleep(1) AS s'
    const first = session.run('acme', slow, undefined)
    await expect(session.run('acme', 'SELECT 1', undefined)).rejects.toBeInstanceOf(QueryBusyError)
    const other = session.run('globex', slow, undefined)
    await expect(session.run('initech', 'SELECT 1', undefined)).rejects.toThrow(/2 admin queries are running/)
    await Promise.all([first, other])
    await expect(session.run('acme', 'SELECT 1 AS one', undefined)).resolves.toMatchObject({
      rows: [{ one: 1 }],
    })
    await expect(session.run('acme', 'SELECT sum(number) FROM numbers(10000000)', undefined)).rejects.toThrow(
      /limit/i,
    )
  })

  it('runs admin queries on one thread at the lowest priorities, behind the pipeline', async () => {
    const session = open({ limits: { maxRows: 50, maxExecutionSeconds: 5 } })
    const running = session.run('acme', 'SELECT sleep(2) AS s', undefined)
    const seen = await waitFor(
      () =>
        queryRows<{ threads: string; priority: string }>(
          store,
          `SELECT Settings['max_threads'] AS threads, Settings['priority'] AS priority
           FROM system.processes WHERE query LIKE '%sleep(2)%' AND query NOT LIKE '%system.processes%'`,
        ),
      {
        description: 'the admin query in system.processes',
        timeoutMs: 10_000,
        // Polls with pauses: the admin query starts only after a pause in the store's other calls.
        intervalMs: 300,
        until: (rows) => rows.length > 0,
      },
    )
    await running
    expect(seen.map((row) => [row.threads, row.priority])).toEqual([['1', '100']])
  })
})
