import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { replayDeadLetters } from '../../services/normalizer/dlq-replay.js'
import { DLQ_HEADERS, STORE_REFUSED } from '../../services/normalizer/dlq.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import type { KafkaMessage } from '../../services/platform/kafka/consumer.js'
import { createProducer } from '../../services/platform/kafka/producer.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { runCli } from '../helpers/cli.js'
import { readTopic } from '../helpers/kafka.js'
import { startTestNormalizer, type TestNormalizer } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'dlq-replay-int-test' }, logger)

// Clear values in the dead-lettered messages: none may appear in what a replay lists.
const PLANTED = { email: 'dora.dlq@example.com', user: 'dora@example.com', session: '90210' }

function envelope(eventId: string, event: Record<string, unknown> = {}): string {
  return JSON.stringify({
    v: 1,
    tenant_id: 'acme',
    gateway: 'direct',
    format: 'generic',
    received_at: '2026-11-24T10:00:01Z',
    event: {
      event_id: eventId,
      timestamp: '2026-11-24T10:00:00.123Z',
      method: 'tools/call',
      server: { name: 'github', version: '1.2.0', transport: 'http' },
      tool: 'create_issue',
      session_id: `sess-${PLANTED.session}`,
      user: { id: PLANTED.user, roles: ['mcp-developer'], auth_method: 'oauth2' },
      arguments: { body: `reach me at ${PLANTED.email}` },
      ...event,
    },
  })
}

const receipt = (receiptId: string) =>
  JSON.stringify({
    v: 1,
    receipt_id: receiptId,
    tenant_id: 'acme',
    gateway: 'direct',
    received_at: '2026-11-24T10:00:01.000Z',
    minutes: { '2026-11-24T10:00': 1, '2026-11-24T10:01': 2 },
    accepted: 3,
    rejected: 0,
  })

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString()

describe('dlq replay: every kind of dead letter goes back where it came from', () => {
  const id = randomUUID().slice(0, 8)
  const topics = { raw: `test.dlq.${id}.raw`, dlq: `test.dlq.${id}.dlq`, receipts: `test.dlq.${id}.receipts` }
  const producer = createProducer(kafka)
  let store: TestStore
  let normalizer: TestNormalizer
  const events = () => `${store.database}.audit_events`
  const receipts = () => `${store.database}.ingest_receipts`
  const count = async (sql: string) => Number((await queryRows<{ n: number }>(store, sql))[0]!.n)

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    normalizer = await startTestNormalizer(brokers, store, topics)
  })
  afterAll(async () => {
    await producer.disconnect()
    await normalizer?.stop()
    await store?.dispose()
  })

  // Each kind once, with the bytes produced: the letter must carry them unchanged.
  const refusedEvent = envelope('refused-1')
  const refusedReceipt = receipt('refused-receipt-1')
  const poison = {
    notJson: 'this is not json {',
    notEnvelope: JSON.stringify({ v: 2, tenant_id: 'acme', note: PLANTED.email }),
    badTime: envelope('bad-time-1', { timestamp: '1990-01-01T00:00:00Z' }),
    badReceipt: `receipt for ${PLANTED.email}`,
  }

  it('dead-letters rows the store refuses as their original messages at their real position', async () => {
    // A deploy got two column types wrong: the store refuses these rows for good.
    await store.client.command({ query: `ALTER TABLE ${events()} MODIFY COLUMN session_id UInt64` })
    await store.client.command({ query: `ALTER TABLE ${receipts()} MODIFY COLUMN received_at UInt32` })
    await producer.send([
      { topic: topics.raw, messages: [{ key: 'acme', value: refusedEvent }] },
      { topic: topics.receipts, messages: [{ key: 'acme', value: refusedReceipt }] },
    ])
    // The receipt made two rows, both refused: still one letter for its one message.
    const letters = await readTopic(kafka, topics.dlq, 2, { settleMs: 2_000 })
    expect(letters).toHaveLength(2)
    const byTopic = new Map(letters.map((letter) => [header(letter, DLQ_HEADERS.topic), letter]))
    expect(byTopic.get(topics.raw)?.value?.toString()).toBe(refusedEvent)
    expect(byTopic.get(topics.receipts)?.value?.toString()).toBe(refusedReceipt)
    for (const letter of letters) {
      expect(header(letter, DLQ_HEADERS.reason)).toMatch(new RegExp(`^${STORE_REFUSED}: `))
      expect(header(letter, DLQ_HEADERS.offset)).toBe('0')
      expect(Number(header(letter, DLQ_HEADERS.partition))).toBeGreaterThanOrEqual(0)
      for (const value of Object.values(PLANTED))
        expect(header(letter, DLQ_HEADERS.reason)).not.toContain(value)
    }
    expect(await count(`SELECT count() AS n FROM ${events()}`)).toBe(0)

    // The fix is deployed.
    await store.client.command({ query: `ALTER TABLE ${events()} MODIFY COLUMN session_id String` })
    await store.client.command({
      query: `ALTER TABLE ${receipts()} MODIFY COLUMN received_at DateTime64(3, 'UTC')`,
    })
  })

  it('dead-letters unreadable, invalid and unnormalizable messages the same way', async () => {
    await producer.send([
      {
        topic: topics.raw,
        messages: [poison.notJson, poison.notEnvelope, poison.badTime].map((value) => ({ key: 'p', value })),
      },
      { topic: topics.receipts, messages: [{ key: 'p', value: poison.badReceipt }] },
    ])
    const letters = await readTopic(kafka, topics.dlq, 6, { settleMs: 2_000 })
    expect(letters).toHaveLength(6)
    const reasonOf = (value: string) =>
      header(
        letters.find((letter) => letter.value?.toString() === value)!,
        DLQ_HEADERS.reason,
      )
    expect(reasonOf(poison.notJson)).toMatch(/^not JSON/)
    expect(reasonOf(poison.notEnvelope)).toMatch(/^not a raw envelope v1/)
    expect(reasonOf(poison.badTime)).toMatch(/outside 2000–2200/)
    expect(reasonOf(poison.badReceipt)).toBe('receipt is not JSON')
    for (const letter of letters) {
      expect([topics.raw, topics.receipts]).toContain(header(letter, DLQ_HEADERS.topic))
      expect(BigInt(header(letter, DLQ_HEADERS.offset)!)).toBeGreaterThanOrEqual(0n)
    }
  })

  it('replays each letter to its topic: fixed ones are stored exactly once, the rest come back to the DLQ once', async () => {
    const options = {
      kafka,
      dlqTopic: topics.dlq,
      sourceTopics: [topics.raw, topics.receipts],
      defaultTopic: topics.raw,
      logger,
      groupId: `replay-${topics.dlq}`,
    }
    const dry = await replayDeadLetters({ ...options, dryRun: true })
    expect(dry).toHaveLength(6)
    expect(dry.filter((letter) => letter.target === topics.receipts)).toHaveLength(2)
    for (const letter of dry) expect(letter.original.startsWith(`${letter.target}:`)).toBe(true)
    // What an operator sees from `dlq replay --dry-run`: positions and reasons, never a clear value.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-dlq-cli-'))
    try {
      const config = path.join(dir, 'mcp-audit.yaml')
      writeFileSync(config, JSON.stringify({ dataDir: dir, kafka: { brokers, topics } }))
      const cli = runCli(['dlq', 'replay', '--dry-run'], { MCP_AUDIT_CONFIG: config })
      expect(cli.status, cli.stderr).toBe(0)
      expect(cli.stdout).toContain(`would replay 6 message(s) from ${topics.dlq}`)
      for (const [name, value] of Object.entries(PLANTED)) {
        expect(cli.stdout, name).not.toContain(value)
        expect(cli.stderr, name).not.toContain(value)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }

    const replayed = await replayDeadLetters(options)
    expect(replayed.map((letter) => letter.offset)).toEqual(dry.map((letter) => letter.offset))
    expect(
      await waitForCount(store, `SELECT count() AS n FROM ${events()} WHERE event_id = 'refused-1'`, 1),
    ).toBe(1)
    expect(
      await waitForCount(
        store,
        `SELECT count() AS n FROM ${receipts()} WHERE receipt_id = 'refused-receipt-1'`,
        2,
      ),
    ).toBe(2)

    // The four whose cause is in the message itself are dead-lettered again, once each, as they were.
    const all = await readTopic(kafka, topics.dlq, 10, { settleMs: 3_000 })
    expect(all).toHaveLength(10)
    const again = all.filter((letter) => header(letter, 'dlq_replayed_from') !== undefined)
    expect(again.map((letter) => letter.value?.toString()).sort()).toEqual(Object.values(poison).sort())
    expect(await count(`SELECT count() AS n FROM ${events()}`)).toBe(1)
    expect(await count(`SELECT count() AS n FROM ${receipts()}`)).toBe(2)
    expect(normalizer.handle.health()).toEqual({ healthy: true, reasons: [] })
  })
})
