import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createConsoleApp } from '../../services/console/app.js'
import { createAdminQuery } from '../../services/console/admin-query.js'
import { trustedSealPublicKey, verifyStore, type VerifyResult } from '../../services/integrity/index.js'
import { HealthRegistry } from '../../services/platform/health.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { TEST_PSEUDONYMIZATION_KEY, startTestRuntime } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'integrity-int-test' }, logger)
const EVENTS = 300
const DAY_MS = 86_400_000
// Most events occurred an hour ago; every tenth 40 days ago, in another monthly partition.
const occurredAt = (i: number) => Date.now() - (i % 10 === 0 ? 40 * DAY_MS : 3_600_000) + i
const eventId = (i: number) => `int-${String(i).padStart(4, '0')}`

function envelope(i: number) {
  return JSON.stringify({
    v: 1,
    tenant_id: 'acme',
    gateway: 'seal-gw',
    format: 'generic',
    received_at: new Date().toISOString(),
    event: {
      event_id: eventId(i),
      timestamp: new Date(occurredAt(i)).toISOString(),
      method: 'tools/call',
      server: { name: ['github', 'filesystem'][i % 2] },
      tool: ['create_issue', 'read_file'][i % 2],
      user: { id: `user${i % 7}` },
      arguments: { n: i },
      status: i % 3 === 0 ? 'error' : 'success',
    },
  })
}

describe('sealed batches: the normalizer seals what it stores and verify-store names tampering', () => {
  let store: TestStore
  let config: AppConfig
  const table = () => `${store.database}.audit_events`
  const seals = () => `${store.database}.integrity_seals`
  const verify = (): Promise<VerifyResult> =>
    verifyStore(store, { tenantId: 'acme', publicKey: trustedSealPublicKey(config)!, sealIntervalSeconds: 1 })
  const idsOf = (result: VerifyResult, kind: string) =>
    result.problems.filter((p) => p.kind === kind).flatMap((p) => p.eventIds)

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    const suffix = randomUUID().slice(0, 8)
    const topics = {
      raw: `seal.raw.${suffix}`,
      dlq: `seal.dlq.${suffix}`,
      receipts: `seal.receipts.${suffix}`,
    }
    await ensureTopics(kafka, [
      { topic: topics.raw, numPartitions: 3 },
      { topic: topics.dlq, numPartitions: 1 },
      { topic: topics.receipts, numPartitions: 1 },
    ])
    config = AppConfig.parse({
      dataDir: store.dataDir,
      kafka: { brokers, topics, partitions: 3 },
      clickhouse: { database: store.database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `seal-${suffix}`, workers: 0, batchMaxWaitMs: 100, chunkSize: 50 },
      integrity: { sealIntervalSeconds: 1 },
      tenants: [
        {
          id: 'acme',
          tokens: [
            { name: 'analyst', scope: 'read', value: 'acme-read-token-0123456789' },
            { name: 'gw', scope: 'ingest', value: 'acme-ingest-token-0123456789' },
          ],
        },
      ],
    })
    const runtime = await startTestRuntime(config, store, { services: ['normalizer'] })
    const producer = kafka.producer()
    await producer.connect()
    // Three sends, so that rows arrive over several seal intervals and several seals chain.
    for (let part = 0; part < 3; part++) {
      await producer.send({
        topic: topics.raw,
        acks: -1,
        messages: Array.from({ length: EVENTS / 3 }, (_, k) => {
          const i = part * (EVENTS / 3) + k
          return { key: `s-${i % 11}`, value: envelope(i) }
        }),
      })
      await waitForCount(store, `SELECT uniqExact(event_id) AS n FROM ${table()}`, (EVENTS / 3) * (part + 1))
      await waitForCount(store, `SELECT sum(row_count) AS n FROM ${seals()}`, (EVENTS / 3) * (part + 1))
    }
    await producer.disconnect()
    await runtime.stop('test')
  }, 120_000)

  afterAll(async () => {
    await store?.dispose()
  })

  it('seals every stored row exactly once, in signed chains that verify', async () => {
    const [sealed] = await queryRows<{ leaves: string; ids: string; chains: string; maxSeq: string }>(
      store,
      `SELECT count() AS leaves, uniqExact(e) AS ids, uniqExact(source_partition) AS chains, max(seq) AS maxSeq
       FROM ${seals()} ARRAY JOIN event_ids AS e`,
    )
    expect(Number(sealed!.leaves)).toBe(EVENTS)
    expect(Number(sealed!.ids)).toBe(EVENTS)
    expect(Number(sealed!.chains)).toBe(3)
    expect(Number(sealed!.maxSeq)).toBeGreaterThan(0)
    const result = await verify()
    expect(result.problems).toEqual([])
    expect(result).toMatchObject({ ok: true, rows: EVENTS, expired: 0 })
  })

  it("answers GET /api/v1/integrity for the read token's tenant", async () => {
    const adminQuery = createAdminQuery({ store, config })
    const app = createConsoleApp({
      config,
      store,
      logger,
      registry: createMetricsRegistry(),
      health: new HealthRegistry(),
      selfAudit: { record: () => undefined, flush: () => Promise.resolve(), stop: () => Promise.resolve() },
      adminQuery,
      integrity: { publicKey: () => trustedSealPublicKey(config), sealIntervalSeconds: 1 },
    })
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    })
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/integrity`
    const get = async (query: string, token?: string) => {
      const res = await fetch(`${base}${query}`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    try {
      const hourAgo = new Date(Date.now() - 2 * 3_600_000).toISOString()
      const recent = await get(`?from=${hourAgo}`, 'acme-read-token-0123456789')
      expect(recent.status).toBe(200)
      expect(recent.body).toMatchObject({
        tenant: 'acme',
        ok: true,
        rows: EVENTS - EVENTS / 10,
        problems: [],
      })
      expect((await get('?from=soon', 'acme-read-token-0123456789')).status).toBe(400)
      expect((await get('', 'acme-ingest-token-0123456789')).status).toBe(403)
      expect((await get('')).status).toBe(401)
    } finally {
      await new Promise((resolve) => server.close(resolve))
      await adminQuery.close()
    }
  })

  it('names each row changed, deleted or added by an insider, and an edited seal', async () => {
    const mutation = { mutations_sync: '2' } as const
    await store.client.command({
      query: `ALTER TABLE ${table()} UPDATE status = 'success' WHERE event_id = {id:String}`,
      query_params: { id: eventId(3) },
      clickhouse_settings: mutation,
    })
    await store.client.command({
      query: `ALTER TABLE ${table()} DELETE WHERE event_id = {id:String}`,
      query_params: { id: eventId(5) },
      clickhouse_settings: mutation,
    })
    // A forged row: a copy of a stored one under a new id, and a second version of a sealed id.
    const columns = (
      await queryRows<{ name: string }>(
        store,
        `SELECT name FROM system.columns WHERE database = {db:String} AND table = 'audit_events' AND default_kind != 'MATERIALIZED'`,
        { db: store.database },
      )
    ).map((c) => c.name)
    const copy = (replace: string) =>
      columns.map((c) => (c === 'event_id' ? replace : c === 'user_id' ? `'forged-user'` : c)).join(', ')
    await store.client.command({
      query: `INSERT INTO ${table()} (${columns.join(', ')}) SELECT ${copy(`'forged-1'`)} FROM ${table()} WHERE event_id = {id:String}`,
      query_params: { id: eventId(7) },
      // The embedded session keeps the last insert's deduplication token: each insert names its own.
      clickhouse_settings: { insert_deduplication_token: randomUUID() },
    })
    await store.client.command({
      query: `INSERT INTO ${table()} (${columns.join(', ')}) SELECT ${copy('event_id')} FROM ${table()} WHERE event_id = {id:String}`,
      query_params: { id: eventId(8) },
      clickhouse_settings: { insert_deduplication_token: randomUUID() },
    })
    const result = await verify()
    expect(result.ok).toBe(false)
    expect(idsOf(result, 'changed').sort()).toEqual([eventId(3), eventId(8)])
    expect(idsOf(result, 'deleted')).toEqual([eventId(5)])
    expect(idsOf(result, 'added')).toEqual(['forged-1'])
    for (const problem of result.problems.filter((p) => p.kind !== 'added'))
      expect(problem.seal?.tenantId).toBe('acme')
  })

  it('names an edited seal and every row of a dropped partition', async () => {
    const [target] = await queryRows<{ seq: string; p: number; e: string }>(
      store,
      `SELECT seq, source_partition AS p, event_ids[1] AS e FROM ${seals()} WHERE row_count > 1 ORDER BY seq LIMIT 1`,
    )
    await store.client.command({
      query: `ALTER TABLE ${seals()} UPDATE leaf_hashes = arrayPushBack(arrayPopFront(leaf_hashes), leaf_hashes[1])
        WHERE source_partition = {p:UInt16} AND seq = {seq:UInt64}`,
      query_params: { p: target!.p, seq: target!.seq },
      clickhouse_settings: { mutations_sync: '2' },
    })
    const month = new Date(occurredAt(0)).toISOString().slice(0, 7).replace('-', '')
    await store.client.command({
      query: `ALTER TABLE ${table()} DROP PARTITION {month:String}`,
      query_params: { month },
    })
    const result = await verify()
    const edited = result.problems.filter((p) => p.kind === 'seal_edited')
    expect(edited.map((p) => [p.seal?.partition, p.seal?.seq])).toEqual([[target!.p, Number(target!.seq)]])
    const expectedDropped = Array.from({ length: EVENTS / 10 }, (_, k) => eventId(k * 10))
    expect(
      idsOf(result, 'deleted')
        .filter((id) => expectedDropped.includes(id))
        .sort(),
    ).toEqual(expectedDropped)
    // The edited seal's reordered leaves no longer match their rows: those events are named too.
    expect(idsOf(result, 'changed')).toContain(target!.e)
  })

  it('reports rows past their retention date as expired, not deleted', async () => {
    await waitFor(async () => (await verify()).ok === false, {
      description: 'a broken trail',
      timeoutMs: 5_000,
    })
    await store.client.command({
      query: `ALTER TABLE ${seals()} UPDATE retention_until = arrayMap(r -> toDate('2020-01-01'), retention_until) WHERE 1`,
      clickhouse_settings: { mutations_sync: '2' },
    })
    const result = await verify()
    // Rewriting retention dates breaks the digests, so the seals are reported, and no row is "deleted".
    expect(idsOf(result, 'deleted')).toEqual([])
    expect(result.expired).toBeGreaterThan(0)
    expect(result.problems.filter((p) => p.kind === 'seal_edited').length).toBeGreaterThan(1)
  })
})
