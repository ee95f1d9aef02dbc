import { randomBytes, randomUUID } from 'node:crypto'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { RawEnvelope } from '../../schemas/raw-envelope.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createLogger } from '../../services/platform/logger.js'
import { post, startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'

/**
 * What one tenant (or one unauthenticated caller) sends must not fail or slow down another
 * tenant's requests: records too large for the broker, a send the broker refuses, bodies read
 * before the token is checked, and too many bodies at once.
 */

const brokers = inject('kafkaBrokers')
const kafka = createKafka(
  { brokers, clientId: 'collector-isolation-test' },
  createLogger({ level: 'silent' }),
)
const MiB = 1_048_576

const event = (overrides: Record<string, unknown> = {}) => ({
  event_id: randomUUID(),
  timestamp: '2026-11-24T10:00:00.123Z',
  method: 'tools/call',
  server: { name: 'filesystem' },
  tool: 'read_file',
  user: { id: 'alice@example.com' },
  arguments: { path: '/data/report.txt' },
  status: 'success',
  ...overrides,
})

/** Random bytes as base64: gzip cannot shrink them below the broker's limit. */
const incompressible = (bytes: number) => randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64')

/**
 * Sends the headers and the first `sentBytes` of a body announced as `contentLength` bytes, and
 * resolves with the answer if one arrives while the rest is still unsent.
 */
function partialPost(
  url: string,
  { token, contentLength, sentBytes }: { token: string | null; contentLength: number; sentBytes: number },
): {
  answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>
  finish: () => void
} {
  const target = new URL(url)
  const request = http.request({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(contentLength),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
  })
  request.on('error', () => undefined) // the server may close the connection while we still send
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      request.once('response', (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        response.on('error', reject)
      })
    },
  )
  request.write(Buffer.alloc(sentBytes, 0x20))
  return {
    answer,
    finish: () => {
      request.end(Buffer.alloc(contentLength - sentBytes, 0x20))
    },
  }
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`no answer ${what} within ${ms} ms`)), ms),
    ),
  ])

describe('collector: one tenant cannot fail another', () => {
  let collector: TestCollector

  beforeAll(async () => {
    collector = await startTestCollector(brokers, {
      maxBodyBytes: 5 * MiB,
      // Requests that arrive within 100 ms share one Kafka send, so the test below sees them merged.
      producer: { lingerMs: 100 },
      slowRateLimit: { eventsPerSecond: 10_000, burst: 10_000 },
    })
  })
  afterAll(async () => {
    await collector.stop()
  })

  const url = () => `${collector.url}/v1/events`

  it('refuses a record over collector.maxRecordBytes by its index and keeps both tenants’ other events', async () => {
    const big = event({ arguments: { blob: incompressible(1.5 * MiB) } })
    const acme = [event(), big, event()]
    const slow = [event({ user: { id: 'bob@example.com' } }), event({ user: { id: 'bob@example.com' } })]
    const [acmeAnswer, slowAnswer] = await Promise.all([
      post(url(), JSON.stringify(acme)),
      post(url(), JSON.stringify(slow), { token: TOKENS.slowIngest }),
    ])
    expect(slowAnswer.status).toBe(202)
    expect(slowAnswer.body).toMatchObject({ accepted: 2, rejected: 0 })
    expect(acmeAnswer.status).toBe(202)
    expect(acmeAnswer.body).toMatchObject({
      accepted: 2,
      rejected: 1,
      errors: [{ index: 1, message: expect.stringMatching(/over collector\.maxRecordBytes \(1000000\)/) }],
    })

    const expected = [acme[0]!, acme[2]!, ...slow].map((e) => e.event_id)
    const envelopes = jsonValues(await readTopic(kafka, collector.topics.raw, expected.length)).map((value) =>
      RawEnvelope.parse(value),
    )
    const ids = new Set(envelopes.map((envelope) => envelope.event.event_id))
    for (const id of expected) expect(ids).toContain(id)
    expect(ids).not.toContain(big.event_id)
  })

  it('answers 413 when the request holds nothing but a record too large for Kafka', async () => {
    const response = await post(
      url(),
      JSON.stringify(event({ arguments: { blob: incompressible(1.5 * MiB) } })),
    )
    expect(response.status).toBe(413)
    expect(response.body).toMatchObject({ accepted: 0, rejected: 1, errors: [{ index: 0 }] })
  })

  it('sends a request the broker refuses on its own, so the requests it was merged with still succeed', async () => {
    // Three records under the per-record limit, but together (one session, one partition, one
    // record batch) over the broker's message.max.bytes: the merged send fails at the broker.
    const session = `s-${randomUUID()}`
    const heavy = [0, 1, 2].map(() =>
      event({ session_id: session, arguments: { blob: incompressible(600_000) } }),
    )
    const light = [event({ user: { id: 'carol@example.com' } })]
    const [heavyAnswer, lightAnswer] = await Promise.all([
      post(url(), JSON.stringify(heavy)),
      post(url(), JSON.stringify(light), { token: TOKENS.slowIngest }),
    ])
    expect(lightAnswer.status, JSON.stringify(lightAnswer.body)).toBe(202)
    // Sent again in smaller sends, the heavy request goes through as well.
    expect(heavyAnswer.status, JSON.stringify(heavyAnswer.body)).toBe(202)
    expect(heavyAnswer.body).toMatchObject({ accepted: 3, rejected: 0 })

    const envelopes = jsonValues(await readTopic(kafka, collector.topics.raw, 8)).map((value) =>
      RawEnvelope.parse(value),
    )
    const ids = new Set(envelopes.map((envelope) => envelope.event.event_id))
    for (const { event_id } of [...heavy, ...light]) expect(ids).toContain(event_id)
  })
})

describe('collector: nothing is read before the token is checked', () => {
  let collector: TestCollector

  beforeAll(async () => {
    collector = await startTestCollector(brokers, {
      maxBodyBytes: 5 * MiB,
      maxBodyBytesInFlight: 4 * MiB + 1,
    })
  })
  afterAll(async () => {
    await collector.stop()
  })

  const url = () => `${collector.url}/v1/events`

  it('answers an unauthenticated 5 MiB request with 401 before the body is sent', async () => {
    for (const token of [null, 'not-a-known-token', TOKENS.acmeRead]) {
      const request = partialPost(url(), { token, contentLength: 5 * MiB - 1, sentBytes: 64 * 1024 })
      try {
        const answer = await within(request.answer, 3_000, `with ${5 * MiB - 1 - 64 * 1024} bytes unsent`)
        expect(answer.status).toBe(token === TOKENS.acmeRead ? 403 : 401)
        expect(answer.headers.connection).toBe('close')
        expect(JSON.parse(answer.body)).toMatchObject({ accepted: 0 })
      } finally {
        request.finish()
      }
    }
  })

  it('answers 503 with Retry-After past collector.maxBodyBytesInFlight, and admits again once bodies are done', async () => {
    // Each reserves its Content-Length (4 MiB together) while its body is still being sent.
    const reserving = () =>
      partialPost(url(), { token: TOKENS.acmeIngest, contentLength: 2 * MiB, sentBytes: 10 })
    const first = reserving()
    const second = reserving()
    try {
      // The third request does not fit beside the two being read.
      await new Promise((resolve) => setTimeout(resolve, 200))
      const third = await post(url(), JSON.stringify(event()))
      expect(third.status, JSON.stringify(third.body)).toBe(503)
      expect(third.headers.get('retry-after')).toBe('1')
      expect(third.body.error).toMatch(/collector\.maxBodyBytesInFlight/)
    } finally {
      first.finish()
      second.finish()
    }
    expect((await within(first.answer, 10_000, 'to the first request')).status).toBe(400)
    expect((await within(second.answer, 10_000, 'to the second request')).status).toBe(400)
    const after = await post(url(), JSON.stringify(event()))
    expect(after.status).toBe(202)
  })
})
