import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { AuditRow } from '../../schemas/audit-row.js'
import { trustedSealPublicKey, verifyStore } from '../../services/integrity/index.js'
import { replayDeadLetters } from '../../services/normalizer/dlq-replay.js'
import { DLQ_HEADERS } from '../../services/normalizer/dlq.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { packageRoot } from '../../services/platform/paths.js'
import { post, startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { readTopic } from '../helpers/kafka.js'
import { startTestNormalizer, type TestNormalizer } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'normalizer-int-test' }, logger)

// Planted values: none of them may appear in any stored column.
const PLANTED = {
  email: 'alice.martin@example.com',
  card: '4111 1111 1111 1111',
  githubToken: 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
  awsKey: 'AKIA' + 'IOSFODNN7EXAMPLE',
  password: 'hunter2-correct-horse',
  user: 'alice@example.com',
  session: 'sess-42',
}

const sensitiveEvent = {
  event_id: 'sensitive-1',
  timestamp: '2026-11-24T10:00:00.123Z',
  method: 'tools/call',
  server: { name: 'github', version: '1.2.0', transport: 'http' },
  tool: 'create_issue',
  session_id: PLANTED.session,
  request_id: 7,
  client: { name: 'claude-desktop', version: '1.4.0' },
  user: { id: PLANTED.user, roles: ['mcp-developer'], auth_method: 'oauth2' },
  source_ip: '203.0.113.7',
  arguments: {
    title: `Card ${PLANTED.card} charged twice`,
    body: `Contact ${PLANTED.email}, token ${PLANTED.githubToken}`,
    config: { aws_access_key_id: PLANTED.awsKey, password: PLANTED.password },
  },
  result: { content: [{ type: 'text', text: `created for ${PLANTED.email}` }], isError: true },
  duration_ms: 41.5,
}

describe('normalizer: Kafka → normalize → redact → ClickHouse', () => {
  let store: TestStore
  let collector: TestCollector
  let normalizer: TestNormalizer
  const table = () => `${store.database}.audit_events`

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    collector = await startTestCollector(brokers)
    normalizer = await startTestNormalizer(brokers, store, collector.topics)
  })
  afterAll(async () => {
    await normalizer?.stop()
    await collector?.stop()
    await store?.dispose()
  })

  it('stores posted events normalized, with the user pseudonymized and no planted value in clear', async () => {
    const fixtures = path.join(packageRoot(), 'test', 'fixtures', 'gateways')
    const toolhive = readFileSync(path.join(fixtures, 'toolhive.ndjson'), 'utf8')
    expect((await post(`${collector.url}/v1/events`, JSON.stringify(sensitiveEvent))).status).toBe(202)
    const thRes = await post(`${collector.url}/v1/events?format=toolhive`, toolhive, {
      contentType: 'application/x-ndjson',
    })
    expect(thRes.status).toBe(202)
    const expected = 1 + Number(thRes.body.accepted)
    expect(await waitForCount(store, `SELECT count() AS n FROM ${table()} FINAL`, expected)).toBe(expected)

    const [row] = await queryRows<AuditRow>(
      store,
      `SELECT * FROM ${table()} FINAL WHERE event_id = {id:String}`,
      {
        id: 'sensitive-1',
      },
    )
    expect(row).toMatchObject({
      tenant_id: 'acme',
      gateway: 'gw-eu-1',
      gateway_format: 'generic',
      method: 'tools/call',
      server_name: 'github',
      tool: 'create_issue',
      request_id: '7',
      client_name: 'claude-desktop',
      user_id_kind: 'pseudonym',
      auth_method: 'oauth2',
      status: 'error',
      error_class: 'tool_error',
      duration_ms: 41.5,
    })
    // The session id is a keyed pseudonym: it still groups the session's events but opens nothing.
    expect(row!.session_id).toMatch(/^[0-9a-f]{16}$/)
    expect(row!.user_id).not.toContain('alice')
    expect(row!.user_id.length).toBeGreaterThan(8)
    expect(row!.retention_until).toBe('2028-11-23')
    expect(Object.keys(row!.redaction_findings)).toEqual(expect.arrayContaining(['EMAIL', 'CREDIT_CARD']))

    const everything = JSON.stringify(await queryRows(store, `SELECT * FROM ${table()} FINAL`))
    for (const [name, value] of Object.entries(PLANTED)) expect(everything, name).not.toContain(value)
    expect(everything).not.toContain('4111111111111111')
  })

  it('keeps one row per event id when Kafka delivers an event twice', async () => {
    const duplicate = { ...sensitiveEvent, event_id: 'dup-1', arguments: { q: 'once' } }
    for (let i = 0; i < 3; i++)
      expect((await post(`${collector.url}/v1/events`, JSON.stringify(duplicate))).status).toBe(202)
    // Same session, so the same partition: once the sentinel is stored, the three copies were processed.
    const sentinel = { ...duplicate, event_id: 'dup-sentinel' }
    expect((await post(`${collector.url}/v1/events`, JSON.stringify(sentinel))).status).toBe(202)
    expect(
      await waitForCount(store, `SELECT count() AS n FROM ${table()} WHERE event_id = 'dup-sentinel'`, 1),
    ).toBe(1)
    const [final] = await queryRows<{ n: number }>(
      store,
      `SELECT count() AS n FROM ${table()} FINAL WHERE event_id = 'dup-1'`,
    )
    expect(Number(final!.n)).toBe(1)
  })

  it('dead-letters poison messages with their origin and keeps consuming the partition', async () => {
    const producer = kafka.producer()
    await producer.connect()
    const good = (id: string) =>
      JSON.stringify({
        v: 1,
        tenant_id: 'acme',
        gateway: 'direct',
        format: 'generic',
        received_at: '2026-11-24T10:00:01Z',
        event: { ...sensitiveEvent, event_id: id },
      })
    await producer.send({
      topic: collector.topics.raw,
      messages: [
        { partition: 0, value: 'this is not json {' },
        { partition: 0, value: JSON.stringify({ v: 2, hello: 'world' }) },
        { partition: 0, value: good('after-poison') },
      ],
    })
    await producer.disconnect()
    expect(
      await waitForCount(
        store,
        `SELECT count() AS n FROM ${table()} FINAL WHERE event_id = 'after-poison'`,
        1,
      ),
    ).toBe(1)

    const letters = await readTopic(kafka, collector.topics.dlq, 2)
    const reasons = letters.map((m) => m.headers?.[DLQ_HEADERS.reason]?.toString())
    expect(reasons[0]).toMatch(/^not JSON/)
    expect(reasons[1]).toMatch(/not a raw envelope v1/)
    for (const letter of letters) {
      expect(letter.headers?.[DLQ_HEADERS.topic]?.toString()).toBe(collector.topics.raw)
      expect(letter.headers?.[DLQ_HEADERS.partition]?.toString()).toBe('0')
      expect(letter.headers?.[DLQ_HEADERS.offset]).toBeDefined()
      expect(Date.parse(letter.headers?.[DLQ_HEADERS.at]?.toString() ?? '')).not.toBeNaN()
    }
  })

  it('replays dead letters once they can be processed', async () => {
    // A message dead-lettered earlier that today's normalizer can read (the "fix" is deployed).
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: collector.topics.dlq,
      messages: [
        {
          value: JSON.stringify({
            v: 1,
            tenant_id: 'acme',
            gateway: 'direct',
            format: 'generic',
            received_at: '2026-11-24T10:00:01Z',
            event: { ...sensitiveEvent, event_id: 'replayed-1' },
          }),
          headers: {
            [DLQ_HEADERS.reason]: 'older normalizer could not read it',
            [DLQ_HEADERS.topic]: collector.topics.raw,
            [DLQ_HEADERS.partition]: '1',
            [DLQ_HEADERS.offset]: '99',
          },
        },
      ],
    })
    await producer.disconnect()
    const options = {
      kafka,
      dlqTopic: collector.topics.dlq,
      sourceTopics: [collector.topics.raw, collector.topics.receipts],
      defaultTopic: collector.topics.raw,
      logger,
      groupId: `replay-${collector.topics.dlq}`,
    }
    const dry = await replayDeadLetters({ ...options, dryRun: true })
    expect(dry.map((l) => l.reason)).toContain('older normalizer could not read it')
    const replayed = await replayDeadLetters(options)
    expect(replayed.length).toBe(dry.length)
    expect(
      await waitForCount(store, `SELECT count() AS n FROM ${table()} FINAL WHERE event_id = 'replayed-1'`, 1),
    ).toBe(1)
    // The two poison messages were replayed too and land in the DLQ again: nothing is lost.
    expect(dry).toHaveLength(3)
    const admin = kafka.admin()
    await admin.connect()
    const end = await waitFor(
      async () => Number((await admin.fetchTopicOffsets(collector.topics.dlq))[0]!.high),
      {
        description: `5 messages on ${collector.topics.dlq}`,
        timeoutMs: 20_000,
        intervalMs: 200,
        until: (high) => high >= 5,
      },
    ).finally(() => admin.disconnect())
    expect(end).toBe(5)
  })

  it('stores collector receipts that reconcile with the stored events', async () => {
    const before = await queryRows<{ n: number }>(
      store,
      `SELECT count() AS n FROM ${table()} FINAL WHERE tenant_id = 'slow'`,
    )
    expect(Number(before[0]!.n)).toBe(0)
    const batch = Array.from({ length: 4 }, (_, i) => ({
      ...sensitiveEvent,
      event_id: `slow-r-${i}`,
      arguments: {},
    }))
    expect(
      (await post(`${collector.url}/v1/events`, JSON.stringify(batch), { token: TOKENS.slowIngest })).status,
    ).toBe(202)
    expect(
      await waitForCount(store, `SELECT count() AS n FROM ${table()} FINAL WHERE tenant_id = 'slow'`, 4),
    ).toBe(4)
    expect(
      await waitForCount(
        store,
        `SELECT sum(accepted) AS n FROM ${store.database}.ingest_receipts FINAL WHERE tenant_id = 'slow' AND gateway = 'gw-slow'`,
        4,
      ),
    ).toBe(4)
    const [slowRow] = await queryRows<AuditRow>(
      store,
      `SELECT * FROM ${table()} FINAL WHERE event_id = 'slow-r-0'`,
    )
    expect(slowRow!.retention_until).toBe('2027-01-23')
  })

  it('pauses while inserts fail, loses nothing, and resumes when the store is back', async () => {
    await store.client.command({ query: `RENAME TABLE ${table()} TO ${table()}_offline` })
    try {
      const batch = Array.from({ length: 50 }, (_, i) => ({
        ...sensitiveEvent,
        event_id: `outage-${i}`,
        arguments: { i },
      }))
      expect((await post(`${collector.url}/v1/events`, JSON.stringify(batch))).status).toBe(202)
      await waitFor(() => normalizer.handle.health(), {
        description: 'the normalizer to report unhealthy while inserts fail',
        timeoutMs: 20_000,
        intervalMs: 200,
        until: (health) => !health.healthy,
      })
      expect(normalizer.handle.health()).toMatchObject({ healthy: false })
      expect(
        await normalizer.registry.getSingleMetricAsString('mcp_audit_normalizer_writer_healthy'),
      ).toMatch(/audit_events"} 0/)
    } finally {
      await store.client.command({ query: `RENAME TABLE ${table()}_offline TO ${table()}` })
    }
    expect(
      await waitForCount(
        store,
        `SELECT count() AS n FROM ${table()} FINAL WHERE startsWith(event_id, 'outage-')`,
        50,
      ),
    ).toBe(50)
    await waitFor(() => normalizer.handle.health(), {
      description: 'the normalizer to report healthy once the store is back',
      timeoutMs: 20_000,
      intervalMs: 200,
      until: (health) => health.healthy,
    })
    expect(normalizer.handle.health()).toEqual({ healthy: true, reasons: [] })
  })

  // Last: it stops the normalizer, whose final seal covers everything it committed.
  it('leaves a sealed trail that verifies after redeliveries, dead letters, a replay and a store outage', async () => {
    const { config } = normalizer.runtime.context
    await normalizer.stop()
    const publicKey = trustedSealPublicKey(config)
    expect(publicKey).toBeDefined()
    const result = await verifyStore(store, {
      publicKey: publicKey!,
      sealIntervalSeconds: config.integrity.sealIntervalSeconds,
    })
    expect(result.problems).toEqual([])
    expect(result.ok).toBe(true)
    const [stored] = await queryRows<{ n: string }>(store, `SELECT uniqExact(event_id) AS n FROM ${table()}`)
    expect(result.rows).toBe(Number(stored!.n))
    expect(result.seals).toBeGreaterThan(0)
  })
})
