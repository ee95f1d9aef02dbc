import { randomUUID } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { AuditRow } from '../../schemas/audit-row.js'
import { AppConfig } from '../../schemas/config.js'
import { RAW_ENVELOPE_VERSION, type RawEnvelope } from '../../schemas/raw-envelope.js'
import { startNormalizer } from '../../services/normalizer/service.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createProducer } from '../../services/platform/kafka/producer.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate, migrationsDir } from '../../services/platform/migrations.js'
import { createKafkaSelfAudit } from '../../services/platform/self-audit.js'
import { queryReview } from '../../services/reporter/queries-compliance.js'
import { reportParams } from '../../services/reporter/collect.js'
import { TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'fww-test' }, logger)
// One embedded store per process: the migration test runs first, on the store before 0007.
const store: TestStore = openTestStore()
afterAll(() => store.dispose())

async function freshTopics() {
  const suffix = randomUUID().slice(0, 8)
  const topics = { raw: `fww.raw.${suffix}`, dlq: `fww.dlq.${suffix}`, receipts: `fww.receipts.${suffix}` }
  await ensureTopics(kafka, [
    { topic: topics.raw, numPartitions: 2 },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.receipts, numPartitions: 1 },
  ])
  return topics
}

function envelope(
  overrides: { server?: string; tool?: string; gateway?: string; tenant?: string } = {},
): RawEnvelope {
  const now = new Date().toISOString()
  return {
    v: RAW_ENVELOPE_VERSION,
    tenant_id: overrides.tenant ?? 'acme',
    gateway: overrides.gateway ?? 'gw-eu-1',
    format: 'generic',
    received_at: now,
    event: {
      event_id: randomUUID(),
      timestamp: now,
      method: 'tools/call',
      server: { name: overrides.server ?? 'crm', version: null, transport: null },
      tool: overrides.tool ?? 'lookup',
      status: 'success',
    },
  }
}

async function produce(topic: string, envelopes: RawEnvelope[]): Promise<void> {
  const producer = createProducer(kafka)
  await producer.send([
    { topic, messages: envelopes.map((e) => ({ key: e.event.event_id!, value: JSON.stringify(e) })) },
  ])
  await producer.disconnect()
}

function normalizerConfig(topics: Awaited<ReturnType<typeof freshTopics>>, store: TestStore, group: string) {
  return AppConfig.parse({
    kafka: { brokers, topics },
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: group, workers: 0, batchMaxWaitMs: 200 },
  })
}

async function runNormalizer(
  config: AppConfig,
  store: TestStore,
  onRowsStored: (rows: readonly AuditRow[]) => Promise<void>,
): Promise<Lifecycle> {
  const lifecycle = new Lifecycle(logger)
  await startNormalizer({
    config,
    brokers,
    store,
    logger,
    registry: createMetricsRegistry(),
    lifecycle,
    pseudonymizationKey: TEST_PSEUDONYMIZATION_KEY,
    onRowsStored,
  })
  return lifecycle
}

describe('mcp-audit migrate on a store from before 0007', () => {
  it('keeps every event as it was and derives the mark of old self-audit rows', async () => {
    const before = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-migrations-'))
    try {
      for (const file of readdirSync(migrationsDir()).filter((name) => name < '0007')) {
        cpSync(path.join(migrationsDir(), file), path.join(before, file))
      }
      await migrate(store, logger, before)
    } finally {
      rmSync(before, { recursive: true, force: true })
    }
    const events = `${store.database}.audit_events`
    await store.client.insert({
      table: events,
      format: 'JSONEachRow',
      values: [
        {
          tenant_id: 'acme',
          event_id: 'old-1',
          occurred_at: '2026-11-01 10:00:00',
          received_at: '2026-11-01 10:00:00',
          gateway: 'gw-eu-1',
          server_name: 'crm',
          tool: 'lookup',
          status: 'error',
          retention_until: '2099-01-01',
          source_offset: 4,
        },
        {
          tenant_id: 'acme',
          event_id: 'old-2',
          occurred_at: '2026-11-01 11:00:00',
          received_at: '2026-11-01 11:00:00',
          gateway: 'mcp-audit-self',
          server_name: 'mcp-audit',
          tool: 'report.download',
          status: 'success',
          retention_until: '2099-01-01',
          source_offset: 5,
        },
        {
          tenant_id: 'acme',
          event_id: 'old-3',
          occurred_at: '2026-11-01 12:00:00',
          received_at: '2026-11-01 12:00:00',
          gateway: 'gw-eu-1',
          server_name: 'mcp-audit',
          tool: 'report.download',
          status: 'success',
          retention_until: '2099-01-01',
          source_offset: 6,
        },
      ],
    })
    const snapshot = () =>
      queryRows<Record<string, unknown>>(
        store,
        `SELECT * EXCEPT (content_hash, origin) FROM ${events} ORDER BY event_id`,
      )
    const oldRows = await queryRows<Record<string, unknown>>(
      store,
      `SELECT * FROM ${events} ORDER BY event_id`,
    )

    await migrate(store, logger)
    await migrate(store, logger)

    expect(await snapshot()).toEqual(oldRows)
    expect(
      await queryRows(
        store,
        `SELECT event_id, content_hash, toString(origin) AS origin FROM ${events} ORDER BY event_id`,
      ),
    ).toEqual([
      { event_id: 'old-1', content_hash: '', origin: 'gateway' },
      { event_id: 'old-2', content_hash: '', origin: 'self' },
      { event_id: 'old-3', content_hash: '', origin: 'gateway' },
    ])
    // Known to the first-write-wins check, once each however often the migration ran.
    expect(
      await queryRows(
        store,
        `SELECT event_id FROM ${store.database}.audit_event_ids FINAL ORDER BY event_id`,
      ),
    ).toEqual([{ event_id: 'old-1' }, { event_id: 'old-2' }, { event_id: 'old-3' }])
  })
})

describe('a redelivery after a crash (rows stored, offsets not committed)', () => {
  it('stores every event once and still hands each to the stream rules', { timeout: 120_000 }, async () => {
    const topics = await freshTopics()
    const config = normalizerConfig(topics, store, `fww-replay-${topics.raw}`)
    const sent = Array.from({ length: 30 }, () => envelope())
    await produce(topics.raw, sent)

    // First run: the rows are inserted, then the in-stream step fails until the process stops,
    // so their offsets are never committed.
    const seenFirst = new Set<string>()
    const first = await runNormalizer(config, store, (rows) => {
      for (const row of rows) seenFirst.add(row.event_id)
      return Promise.reject(new Error('the process dies before the commit'))
    })
    const events = `${store.database}.audit_events`
    await waitForCount(
      store,
      `SELECT count() AS n FROM ${events} WHERE event_id IN {ids:Array(String)}`,
      30,
      {
        params: { ids: sent.map((e) => e.event.event_id) },
      },
    )
    await waitFor(() => seenFirst.size, {
      description: 'the first run saw every row',
      until: (n) => n === 30,
    })
    await first.stop('test')

    const seenAgain: string[] = []
    const second = await runNormalizer(config, store, (rows) => {
      seenAgain.push(...rows.map((row) => row.event_id))
      return Promise.resolve()
    })
    try {
      await waitFor(() => new Set(seenAgain).size, {
        description: 'the second run handed every redelivered row on',
        timeoutMs: 60_000,
        until: (n) => n === 30,
      })
    } finally {
      await second.stop('test')
    }
    const [counts] = await queryRows<{ rows: string; ids: string }>(
      store,
      `SELECT count() AS rows, uniqExact(event_id) AS ids FROM ${events} WHERE event_id IN {ids:Array(String)}`,
      { ids: sent.map((e) => e.event.event_id) },
    )
    expect(counts).toEqual({ rows: 30, ids: 30 })
    expect(new Set(seenAgain)).toEqual(new Set(sent.map((e) => e.event.event_id)))
    expect(await queryRows(store, `SELECT 1 FROM ${store.database}.event_conflicts`)).toEqual([])
  })
})

describe('the self-audit mark', () => {
  it("counts only mcp-audit's own report downloads as review evidence, whatever a row's names say", async () => {
    const topics = await freshTopics()
    const config = normalizerConfig(topics, store, `fww-self-${topics.raw}`)
    const lifecycle = await runNormalizer(config, store, () => Promise.resolve())
    try {
      const selfAudit = createKafkaSelfAudit(kafka, config, logger)
      selfAudit.record({
        tenantId: 'beta',
        action: 'report.download',
        actor: 'auditor',
        actorRole: 'read',
        outcome: 'success',
        resource: 'report:r1',
      })
      await selfAudit.stop()
      // Rows that name mcp-audit without its mark: a message produced past the collector, or
      // from a token named like the self-audit gateway.
      await produce(topics.raw, [
        envelope({ tenant: 'beta', server: 'mcp-audit', tool: 'report.download' }),
        envelope({ tenant: 'beta', server: 'mcp-audit', tool: 'report.download', gateway: 'mcp-audit-self' }),
      ])
      await waitForCount(
        store,
        `SELECT count() AS n FROM ${store.database}.audit_events WHERE tenant_id = 'beta'`,
        3,
      )
    } finally {
      await lifecycle.stop('test')
    }
    const now = new Date()
    const period = { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 60_000) }
    const review = await queryReview(
      store,
      reportParams('beta', period, 'UTC'),
      period,
      new Date(now.getTime() + 120_000),
    )
    expect(review).toEqual([expect.objectContaining({ action: 'report.download', resource: 'report:r1' })])
  })
})
