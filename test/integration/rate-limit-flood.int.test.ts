import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { RawEnvelope } from '../../schemas/raw-envelope.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { generateTraffic } from '../../services/simulator/index.js'
import { Rng } from '../../services/simulator/rng.js'
import { post, startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'
import { startTestNormalizer, type TestNormalizer } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'

/**
 * Fault test: one tenant floods the collector far past its rate limit while another sends steady
 * traffic. The flooded tenant gets 429s with Retry-After and no more than its rate gets in; the other
 * tenant never notices; the flooding gateway, retrying after Retry-After, gets every event in; and in
 * the end Kafka and ClickHouse hold every event id exactly once.
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'rate-limit-flood-test' }, logger)

const LIMIT = { eventsPerSecond: 100, burst: 100 }
const BATCH = 10
const FLOOD_EVENTS = 1_200
/** Requests of the flooding gateway in flight at once: 240 events offered at a time against 100/s. */
const FLOOD_CONNECTIONS = 24
const STEADY_EVENTS = 500
const STEADY_INTERVAL_MS = 150
const MAX_ATTEMPTS = 60

type Event = Record<string, unknown>

function events(seed: string, count: number, prefix: string): Event[] {
  return generateTraffic({ seed, calls: count, formats: ['generic'], outputFormat: 'generic' }).map(
    (record, i) => ({ ...(record.record as Event), event_id: `${prefix}-${i}` }),
  )
}

function batches(all: readonly Event[]): Event[][] {
  return Array.from({ length: Math.ceil(all.length / BATCH) }, (_, i) =>
    all.slice(i * BATCH, (i + 1) * BATCH),
  )
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a tenant flooding the collector past its rate limit', () => {
  let collector: TestCollector
  let store: TestStore
  let normalizer: TestNormalizer | undefined

  beforeAll(async () => {
    collector = await startTestCollector(brokers, { slowRateLimit: LIMIT })
    store = openTestStore()
    await migrate(store, logger)
  })
  afterAll(async () => {
    await normalizer?.stop()
    await collector?.stop()
    await store?.dispose()
  })

  it('gets 429 + Retry-After, leaves the other tenant alone, and every event lands exactly once after retries', async () => {
    const url = `${collector.url}/v1/events`
    const flood = events('rate-limit-flood/flood', FLOOD_EVENTS, 'flood')
    const steady = events('rate-limit-flood/steady', STEADY_EVENTS, 'steady')
    const jitter = new Rng('rate-limit-flood/jitter')

    const refusals: Array<{ retryAfter: string | null; body: Record<string, unknown> }> = []
    const admitted: Array<{ atMs: number; events: number }> = []
    const attemptsPerRequest: number[] = []
    const started = performance.now()

    /** What a gateway does: send, and on 429 wait Retry-After seconds (plus a little jitter) and resend. */
    const deliver = async (batch: Event[]) => {
      const body = JSON.stringify(batch)
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const response = await post(url, body, { token: TOKENS.slowIngest })
        if (response.status === 202) {
          expect(response.body.accepted).toBe(batch.length)
          admitted.push({ atMs: performance.now() - started, events: batch.length })
          attemptsPerRequest.push(attempt)
          return
        }
        if (response.status !== 429)
          throw new Error(`flood: ${response.status} ${JSON.stringify(response.body)}`)
        const retryAfter = response.headers.get('retry-after')
        refusals.push({ retryAfter, body: response.body })
        await sleep(Number(retryAfter) * 1_000 + jitter.int(0, 250))
      }
      throw new Error(`a batch was still refused after ${MAX_ATTEMPTS} attempts`)
    }

    const floodQueue = batches(flood)
    const flooding = Promise.all(
      Array.from({ length: FLOOD_CONNECTIONS }, async () => {
        for (let batch = floodQueue.shift(); batch; batch = floodQueue.shift()) await deliver(batch)
      }),
    )
    const steadyStatuses: number[] = []
    const steadying = (async () => {
      for (const batch of batches(steady)) {
        const response = await post(url, JSON.stringify(batch), { token: TOKENS.acmeIngest })
        steadyStatuses.push(
          response.status === 202 && response.body.accepted === batch.length ? 202 : response.status,
        )
        await sleep(STEADY_INTERVAL_MS)
      }
    })()
    await Promise.all([flooding, steadying])
    const floodSeconds = (performance.now() - started) / 1000

    // The flood was refused, many times, each time with a Retry-After and a reason.
    const floodRequests = FLOOD_EVENTS / BATCH
    expect(refusals.length).toBeGreaterThan(floodRequests)
    for (const { retryAfter, body } of refusals) {
      expect(retryAfter).toMatch(/^\d+$/)
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(retryAfter)).toBeLessThanOrEqual(Math.ceil(BATCH / LIMIT.eventsPerSecond) + 1)
      expect(body).toMatchObject({
        accepted: 0,
        error: expect.stringMatching(/tenant slow is over its rate limit of 100 events\/s/),
      })
    }
    // No more got in than the bucket allows: by any moment t, burst + rate × t (plus one batch in flight).
    admitted.sort((a, b) => a.atMs - b.atMs)
    let cumulative = 0
    for (const { atMs, events: count } of admitted) {
      cumulative += count
      expect(cumulative).toBeLessThanOrEqual(LIMIT.burst + (LIMIT.eventsPerSecond * atMs) / 1000 + BATCH)
    }
    expect(floodSeconds).toBeGreaterThanOrEqual((FLOOD_EVENTS - LIMIT.burst) / LIMIT.eventsPerSecond - 1)
    // Every flood request got in after retries; the other tenant never saw a refusal.
    expect(attemptsPerRequest).toHaveLength(floodRequests)
    expect(Math.max(...attemptsPerRequest)).toBeGreaterThan(1)
    expect(steadyStatuses).toEqual(Array.from({ length: STEADY_EVENTS / BATCH }, () => 202))

    // Kafka: every event id once, nothing else; one receipt per 202.
    const expectedIds = [...flood, ...steady].map((event) => event.event_id as string).sort()
    const envelopes = jsonValues(
      await readTopic(kafka, collector.topics.raw, expectedIds.length, { settleMs: 2_000 }),
    ).map((value) => RawEnvelope.parse(value))
    expect(envelopes.map((envelope) => envelope.event.event_id).sort()).toEqual(expectedIds)
    expect(envelopes.filter((envelope) => envelope.tenant_id === 'slow')).toHaveLength(FLOOD_EVENTS)
    const receipts = await readTopic(
      kafka,
      collector.topics.receipts,
      floodRequests + STEADY_EVENTS / BATCH,
      {
        settleMs: 1_000,
      },
    )
    expect(receipts).toHaveLength(floodRequests + STEADY_EVENTS / BATCH)

    // ClickHouse, through the real normalizer: every event id once per tenant.
    normalizer = await startTestNormalizer(brokers, store, collector.topics)
    const table = `${store.database}.audit_events`
    expect(await waitForCount(store, `SELECT count() AS n FROM ${table} FINAL`, expectedIds.length)).toBe(
      expectedIds.length,
    )
    // A quiet second for any row written twice to land: duplicates are an absence to observe.
    await sleep(1_000)
    // FINAL collapses rows written twice; without it every row counts, so doubles would show here.
    const perTenant = async (final: string) =>
      (
        await queryRows<{ tenant_id: string; rows: string; ids: string }>(
          store,
          `SELECT tenant_id, count() AS rows, uniqExact(event_id) AS ids FROM ${table} ${final}
           GROUP BY tenant_id ORDER BY tenant_id`,
        )
      ).map((row) => [row.tenant_id, Number(row.rows), Number(row.ids)])
    const expected = [
      ['acme', STEADY_EVENTS, STEADY_EVENTS],
      ['slow', FLOOD_EVENTS, FLOOD_EVENTS],
    ]
    expect(await perTenant('FINAL')).toEqual(expected)
    expect(await perTenant('')).toEqual(expected)
    console.log(
      `flood: ${FLOOD_EVENTS} events in ${floodSeconds.toFixed(1)} s at ${LIMIT.eventsPerSecond}/s (burst ${LIMIT.burst}), ` +
        `${refusals.length} refusals, up to ${Math.max(...attemptsPerRequest)} attempts per request`,
    )
  })
})
