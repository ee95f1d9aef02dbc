import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawEnvelope } from '../../schemas/raw-envelope.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { freePort, startLocalKafka, type LocalKafka } from '../../services/platform/local-kafka.js'
import { createLogger } from '../../services/platform/logger.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'

const batch = (prefix: string, count: number) =>
  JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      event_id: `${prefix}-${i}`,
      timestamp: new Date(Date.UTC(2026, 10, 24, 10, 0, i)).toISOString(),
      method: 'tools/call',
      server: { name: 'github' },
      tool: 'create_issue',
      session_id: `session-${i % 3}`,
    })),
  )

/** What a gateway does: retry on 503 after Retry-After, a bounded number of times. */
async function postWithRetry(url: string, body: string, attempts = 30) {
  const statuses: number[] = []
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await post(url, body)
    statuses.push(response.status)
    if (response.status !== 503) return { response, statuses }
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
  throw new Error(`still 503 after ${attempts} attempts: ${statuses.join(',')}`)
}

describe('collector while the Kafka broker is down', () => {
  let dir: string
  let port: number
  let controllerPort: number
  let broker: LocalKafka
  let collector: TestCollector

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-outage-'))
    port = await freePort()
    do controllerPort = await freePort()
    while (controllerPort === port)
    broker = await startLocalKafka({ dir, port, controllerPort, heapMb: 384 })
    collector = await startTestCollector(broker.brokers, { producer: { ackTimeoutMs: 8_000 } })
  })

  afterAll(async () => {
    await collector?.stop()
    await broker?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers 503 and acknowledges nothing while Kafka is down, then takes the retries exactly once', async () => {
    const url = `${collector.url}/v1/events`
    const before = await post(url, batch('before', 10))
    expect(before.status).toBe(202)

    await broker.stop()
    const during = await post(url, batch('during', 10))
    expect(during.status).toBe(503)
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(during.body.accepted).toBe(0)
    expect(String(during.body.error)).toMatch(/nothing from this request was acknowledged/)
    expect((await fetch(`${collector.url}/readyz`)).status).toBe(503)

    broker = await startLocalKafka({ dir, port, controllerPort, heapMb: 384 })
    const { response, statuses } = await postWithRetry(url, batch('during', 10))
    expect(response.status).toBe(202)
    expect(response.body.accepted).toBe(10)
    expect(statuses.at(-1)).toBe(202)
    const after = await post(url, batch('after', 10))
    expect(after.status).toBe(202)

    const kafka = createKafka(
      { brokers: broker.brokers, clientId: 'outage-reader' },
      createLogger({ level: 'silent' }),
    )
    const envelopes = jsonValues(await readTopic(kafka, collector.topics.raw, 30, { settleMs: 3_000 })).map(
      (v) => RawEnvelope.parse(v),
    )
    const counts = new Map<string, number>()
    for (const envelope of envelopes)
      counts.set(envelope.event.event_id!, (counts.get(envelope.event.event_id!) ?? 0) + 1)
    const expectedIds = ['before', 'during', 'after'].flatMap((prefix) =>
      Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`),
    )
    expect([...counts.keys()].sort()).toEqual(expectedIds.sort())
    expect([...counts.values()].every((count) => count === 1)).toBe(true)
  })
})
