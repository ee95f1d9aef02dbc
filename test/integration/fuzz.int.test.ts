import net from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { RawEnvelope } from '../../schemas/raw-envelope.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createLogger } from '../../services/platform/logger.js'
import { generateTraffic } from '../../services/simulator/index.js'
import { Rng } from '../../services/simulator/rng.js'
import { startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { fuzzCases, type EventRecord, type FuzzCase } from '../helpers/fuzz.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'

/**
 * Fault test: 10,000 seeded malformed requests against the real collector and the real broker, with
 * valid traffic interleaved. The collector must answer every malformed request with a 4xx and a
 * reason, keep serving, write nothing for them, and still take every valid event exactly once.
 */

const brokers = inject('kafkaBrokers')
const kafka = createKafka({ brokers, clientId: 'fuzz-int-test' }, createLogger({ level: 'silent' }))

const SEED = 'mcp-audit-fuzz-1'
const MALFORMED = 10_000
const GOOD_EVENTS = 500
const GOOD_BATCH = 10
const CONCURRENCY = 16

interface Answer {
  status: number
  body: Record<string, unknown> | undefined
  /** Header reason of ?format=docker answers, which keep the body empty. */
  headerReason: string | null
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

async function send(base: string, request: FuzzCase): Promise<Answer> {
  if (request.contentLength !== undefined) return sendOverSocket(base, request)
  const response = await fetch(`${base}${request.path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(20_000),
  })
  return {
    status: response.status,
    body: parseJson(await response.text()),
    headerReason: response.headers.get('x-mcp-audit-error'),
  }
}

/** A request whose Content-Length is not its body's: fetch will not send one, so a bare socket does. */
function sendOverSocket(base: string, request: FuzzCase): Promise<Answer> {
  const { hostname, port } = new URL(base)
  const head = [
    `POST ${request.path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    `Content-Length: ${request.contentLength}`,
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n')
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname)
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('no answer within 10 s'))
    }, 10_000)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const text = Buffer.concat(chunks).toString('utf8')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0)
      if (Buffer.byteLength(text.slice(end + 4)) < length) return
      clearTimeout(timer)
      socket.destroy()
      resolve({
        status: Number(text.slice(9, 12)),
        body: parseJson(text.slice(end + 4, end + 4 + length)),
        headerReason: null,
      })
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    socket.write(Buffer.concat([Buffer.from(head), request.body]))
  })
}

/** What is wrong with an answer to a malformed request, or undefined when it is as the contract says. */
function judge(request: FuzzCase, answer: Answer): string | undefined {
  if (!request.statuses.includes(answer.status))
    return `status ${answer.status}, expected ${request.statuses.join('/')}`
  const docker = request.path.includes('format=docker')
  const reason = docker ? answer.headerReason : answer.body?.error
  if (typeof reason !== 'string' || !request.reason.test(reason))
    return `reason ${JSON.stringify(reason)} does not match ${request.reason}`
  if (docker) return answer.body === undefined ? undefined : 'a body in an answer to ?format=docker'
  const body = answer.body!
  if (body.accepted !== 0) return `accepted ${String(body.accepted)}`
  const errors = body.errors as Array<Record<string, unknown>>
  if (!Array.isArray(errors)) return 'no errors list'
  if (Number(body.rejected) > 0 && errors.length === 0)
    return `rejected ${String(body.rejected)} without naming why`
  const unnamed = errors.find((e) => typeof e.index !== 'number' || typeof e.path !== 'string' || !e.message)
  if (unnamed) return `an error without index, path and message: ${JSON.stringify(unnamed)}`
  return undefined
}

function events(seed: string, count: number): EventRecord[] {
  return generateTraffic({ seed, calls: count, formats: ['generic'], outputFormat: 'generic' }).map(
    (record) => record.record as EventRecord,
  )
}

describe('collector under 10,000 malformed requests (fuzz)', () => {
  let collector: TestCollector

  beforeAll(async () => {
    collector = await startTestCollector(brokers)
  })
  afterAll(async () => {
    await collector?.stop()
  })

  it('answers each with a 4xx and a reason, writes none of them, and takes interleaved valid events exactly once', async () => {
    const base = collector.url
    const cases = fuzzCases(SEED, MALFORMED, {
      events: events(`${SEED}/base`, 300),
      maxBodyBytes: collector.config.collector.maxBodyBytes,
    })
    const good = events(`${SEED}/good`, GOOD_EVENTS).map((event, i) => ({
      ...event,
      event_id: `fuzz-good-${i}`,
    }))
    expect(good).toHaveLength(GOOD_EVENTS)
    // Where each valid request goes among the malformed ones: spread over the whole run, seeded.
    const placement = new Rng(`${SEED}/placement`)
    const goodAt = new Map<number, EventRecord[]>()
    for (let start = 0; start < GOOD_EVENTS; start += GOOD_BATCH) {
      let at = placement.int(0, MALFORMED - 1)
      while (goodAt.has(at)) at = (at + 1) % MALFORMED
      goodAt.set(at, good.slice(start, start + GOOD_BATCH))
    }

    const failures: string[] = []
    const tally = new Map<string, Map<number, number>>()
    const goodAnswers: number[] = []
    let healthChecks = 0
    let next = 0
    const started = performance.now()
    const worker = async () => {
      for (;;) {
        const index = next++
        if (index >= MALFORMED) return
        const batch = goodAt.get(index)
        if (batch) {
          const response = await fetch(`${base}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKENS.acmeIngest}`, 'content-type': 'application/json' },
            body: JSON.stringify(batch),
          })
          const body = parseJson(await response.text())
          goodAnswers.push(response.status === 202 && body?.accepted === batch.length ? 202 : response.status)
          if (response.status !== 202)
            failures.push(`valid batch at ${index}: ${response.status} ${JSON.stringify(body)}`)
        }
        const { value: request } = cases.next() as IteratorYieldResult<FuzzCase>
        let problem: string | undefined
        try {
          const answer = await send(base, request)
          const byStatus = tally.get(request.kind) ?? new Map<number, number>()
          byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1)
          tally.set(request.kind, byStatus)
          problem = judge(request, answer)
          if (problem) problem += `; body ${JSON.stringify(answer.body)?.slice(0, 300)}`
        } catch (err) {
          problem = `no answer: ${(err as Error).message}`
        }
        if (problem)
          failures.push(
            `#${index} ${request.kind} (${request.path}, ${request.body.subarray(0, 80).toString('latin1')}…): ${problem}`,
          )
        if (index % 500 === 0) {
          expect((await fetch(`${base}/healthz`)).status).toBe(200)
          healthChecks++
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const seconds = (performance.now() - started) / 1000

    const summary = [...tally].map(
      ([kind, statuses]) => `${kind}: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
    )
    console.log(
      `fuzz: ${MALFORMED} malformed + ${goodAt.size} valid requests in ${seconds.toFixed(1)} s\n  ${summary.join('\n  ')}`,
    )
    expect(failures.slice(0, 20), `${failures.length} failures`).toEqual([])
    expect(
      [...tally.values()].reduce(
        (sum, byStatus) => sum + [...byStatus.values()].reduce((a, b) => a + b, 0),
        0,
      ),
    ).toBe(MALFORMED)
    expect(goodAnswers).toEqual(Array.from({ length: GOOD_EVENTS / GOOD_BATCH }, () => 202))
    expect(healthChecks).toBe(MALFORMED / 500)

    // Still alive and never a 5xx, by its own account.
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
    const metrics = await (await fetch(`${collector.metricsUrl}/metrics`)).text()
    const fiveHundreds = metrics
      .split('\n')
      .filter((line) => /^mcp_audit_collector_requests_total\{.*status="5/.test(line))
    expect(fiveHundreds).toEqual([])

    // Kafka holds the valid events, each once, and nothing else; one receipt per valid request.
    const envelopes = jsonValues(
      await readTopic(kafka, collector.topics.raw, GOOD_EVENTS, { settleMs: 3_000 }),
    ).map((value) => RawEnvelope.parse(value))
    const ids = envelopes.map((envelope) => envelope.event.event_id)
    expect(ids).toHaveLength(GOOD_EVENTS)
    expect(new Set(ids)).toEqual(new Set(good.map((event) => event.event_id)))
    const receipts = await readTopic(kafka, collector.topics.receipts, goodAt.size, { settleMs: 2_000 })
    expect(receipts).toHaveLength(goodAt.size)
  })
})
