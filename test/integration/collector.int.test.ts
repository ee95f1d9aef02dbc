import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { IngestReceipt, RawEnvelope } from '../../schemas/raw-envelope.js'
import { parseBody } from '../../services/collector/body.js'
import { ingestRecords } from '../../services/collector/ingest.js'
import type { AdapterName } from '../../services/collector/adapters/types.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createLogger } from '../../services/platform/logger.js'
import { packageRoot } from '../../services/platform/paths.js'
import { post, startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'

const brokers = inject('kafkaBrokers')
const kafka = createKafka({ brokers, clientId: 'collector-int-test' }, createLogger({ level: 'silent' }))
const fixturesDir = path.join(packageRoot(), 'test', 'fixtures', 'gateways')

const event = (overrides: Record<string, unknown> = {}) => ({
  timestamp: '2026-11-24T10:00:00.123Z',
  method: 'tools/call',
  server: { name: 'filesystem', version: '1.2.0', transport: 'stdio' },
  tool: 'read_file',
  user: { id: 'alice@example.com', roles: ['mcp-developer'], auth_method: 'oauth2' },
  arguments: { path: '/data/report.txt' },
  status: 'success',
  duration_ms: 12.5,
  ...overrides,
})

describe('collector against the real Kafka broker', () => {
  let collector: TestCollector
  const sentIds = new Set<string>()

  beforeAll(async () => {
    collector = await startTestCollector(brokers)
  })
  afterAll(async () => {
    await collector.stop()
  })

  const events = () => `${collector.url}/v1/events`

  it('delivers every gateway format fixture to Kafka as valid generic events', async () => {
    const files = readdirSync(fixturesDir).filter((file) => /\.(ndjson|json)$/.test(file))
    expect(files.length).toBeGreaterThanOrEqual(9)
    let expected = 0
    for (const file of files) {
      const format = file.replace(/\.(ndjson|json)$/, '') as AdapterName
      const text = readFileSync(path.join(fixturesDir, file), 'utf8')
      const contentType = file.endsWith('.ndjson') ? 'application/x-ndjson' : 'application/json'
      const parsed = parseBody(text, contentType)
      if (parsed.kind !== 'records') throw new Error(`${file}: ${parsed.message}`)
      const receivedAt = new Date().toISOString()
      const offline = ingestRecords(parsed.records, {
        tenantId: 'acme',
        gateway: 'gw-eu-1',
        receivedAt,
        format,
        serverName: 'docker-fixture',
      })
      expect(offline.errors, file).toEqual([])

      const url =
        format === 'otlp' ? `${collector.url}/v1/logs` : `${events()}?format=${format}&server=docker-fixture`
      const response = await post(url, text, { contentType })
      expect(response.status, `${file}: ${JSON.stringify(response.body)}`).toBe(202)
      const accepted =
        format === 'docker' ? Number(response.headers.get('x-mcp-audit-accepted')) : response.body.accepted
      expect(accepted).toBe(offline.accepted.length)
      // Records without a time of their own are stamped with the receive time, so their derived ids differ.
      for (const { envelope } of offline.accepted) {
        if (envelope.event.timestamp !== receivedAt) sentIds.add(envelope.event.event_id!)
      }
      expected += offline.accepted.length
    }

    const envelopes = jsonValues(await readTopic(kafka, collector.topics.raw, expected)).map((value) =>
      RawEnvelope.parse(value),
    )
    expect(envelopes).toHaveLength(expected)
    const formats = new Set(envelopes.map((envelope) => envelope.format))
    for (const format of [
      'generic',
      'toolhive',
      'agentgateway',
      'envoy',
      'kong',
      'contextforge',
      'mcpx',
      'docker',
      'otlp',
    ]) {
      expect(formats).toContain(format)
    }
    expect(
      envelopes.every((envelope) => envelope.tenant_id === 'acme' && envelope.gateway === 'gw-eu-1'),
    ).toBe(true)
    const ids = new Set(envelopes.map((envelope) => envelope.event.event_id))
    for (const id of sentIds) expect(ids).toContain(id)
  })

  it('answers Docker interceptor posts with an empty body, the outcome in headers', async () => {
    const callToolRequest = JSON.stringify({
      method: 'tools/call',
      params: { name: 'search', arguments: { q: 'mcp' } },
    })
    const response = await fetch(`${events()}?format=docker&server=brave`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.acmeIngest}`, 'Content-Type': 'application/json' },
      body: callToolRequest,
    })
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
    expect(response.headers.get('x-mcp-audit-accepted')).toBe('1')
    const bad = await fetch(`${events()}?format=docker`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.acmeIngest}`, 'Content-Type': 'application/json' },
      body: '{',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toBe('')
    expect(bad.headers.get('x-mcp-audit-error')).toMatch(/not valid JSON/)
  })

  it('detects the format by shape when ?format= is absent', async () => {
    const toolhive = readFileSync(path.join(fixturesDir, 'toolhive.ndjson'), 'utf8').split('\n')[0]!
    const response = await post(events(), toolhive)
    expect(response.status).toBe(202)
    expect(response.body.accepted).toBe(1)
  })

  it('accepts the good events of a mixed batch and names index, path and reason of the bad ones', async () => {
    const batch = [
      event({ event_id: 'mixed-0' }),
      event({ timestamp: 'yesterday' }),
      event({ server: { name: 42 } }),
      event({ event_id: 'mixed-3', tool: 'write_file' }),
      event({ method: 'tools/call', tool: undefined }),
      event({ tool: 'x'.repeat(600) }),
    ]
    const response = await post(events(), JSON.stringify(batch))
    expect(response.status).toBe(202)
    expect(response.body).toMatchObject({ accepted: 2, rejected: 4 })
    const errors = response.body.errors as Array<{ index: number; path: string; message: string }>
    expect(errors.map((e) => [e.index, e.path])).toEqual([
      [1, 'timestamp'],
      [2, 'server.name'],
      [4, 'tool'],
      [5, 'tool'],
    ])
    expect(errors[3]!.message).toMatch(/512/)
  })

  it('prepares large bodies on a worker thread with the same answers', async () => {
    const batch = Array.from({ length: 800 }, (_, i) =>
      i === 17
        ? event({ timestamp: 'not a time' })
        : event({ event_id: `large-${i}`, arguments: { path: `/data/${i}.txt` } }),
    )
    const body = JSON.stringify(batch)
    expect(body.length).toBeGreaterThan(collector.config.collector.workerMinBytes)
    const response = await post(events(), body)
    expect(response.status).toBe(202)
    expect(response.body).toMatchObject({
      accepted: 799,
      rejected: 1,
      errors: [{ index: 17, path: 'timestamp' }],
    })
  })

  it('answers 400 with every reason when no event is valid', async () => {
    const response = await post(events(), JSON.stringify([{ method: 'tools/call' }, 'not an event']))
    expect(response.status).toBe(400)
    expect(response.body.accepted).toBe(0)
    expect(response.body.rejected).toBe(2)
    expect(JSON.stringify(response.body.errors)).toContain('timestamp')
  })

  it.each([
    ['invalid JSON', '{"timestamp": ', 'application/json', 400, /not valid JSON/],
    [
      'deep nesting',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      'application/json',
      400,
      /nested deeper than 64/,
    ],
    [
      'wrong content type',
      '<xml/>',
      'application/xml',
      415,
      /Content-Type "application\/xml" is not supported/,
    ],
    ['empty body', '', 'application/json', 400, /body is empty/],
  ])('rejects %s with a message naming the problem', async (_name, body, contentType, status, message) => {
    const response = await post(events(), body, { contentType })
    expect(response.status).toBe(status)
    expect(String(response.body.error)).toMatch(message)
  })

  it('reports a bad NDJSON line by index and keeps the others', async () => {
    const body = [
      JSON.stringify(event({ event_id: 'nd-0' })),
      '{oops',
      JSON.stringify(event({ event_id: 'nd-2' })),
    ].join('\n')
    const response = await post(events(), body, { contentType: 'application/x-ndjson' })
    expect(response.status).toBe(202)
    expect(response.body).toMatchObject({ accepted: 2, rejected: 1 })
    expect((response.body.errors as Array<{ index: number }>)[0]!.index).toBe(1)
  })

  it('accepts gzip bodies and rejects broken gzip and gzip bombs', async () => {
    const good = await post(events(), gzipSync(JSON.stringify(event({ event_id: 'gz-0' }))), {
      headers: { 'Content-Encoding': 'gzip' },
    })
    expect(good.status).toBe(202)
    const broken = await post(events(), Buffer.from('definitely not gzip'), {
      headers: { 'Content-Encoding': 'gzip' },
    })
    expect(broken.status).toBe(400)
    expect(String(broken.body.error)).toMatch(/does not match its Content-Encoding/)
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 32))
    expect(bomb.length).toBeLessThan(collector.config.collector.maxBodyBytes)
    const inflated = await post(events(), bomb, { headers: { 'Content-Encoding': 'gzip' } })
    expect(inflated.status).toBe(413)
    expect(String(inflated.body.error)).toMatch(/exceeds 1048576 bytes/)
    const brotli = await post(events(), Buffer.from('x'), { headers: { 'Content-Encoding': 'compress' } })
    expect(brotli.status).toBe(415)
  })

  it('answers 413 for a body over collector.maxBodyBytes', async () => {
    const response = await post(
      events(),
      JSON.stringify(event({ arguments: { blob: 'a'.repeat(1_100_000) } })),
    )
    expect(response.status).toBe(413)
    expect(String(response.body.error)).toMatch(/exceeds 1048576 bytes/)
  })

  it('rejects missing and unknown tokens with 401 and a read token with 403', async () => {
    const body = JSON.stringify(event())
    const missing = await post(events(), body, { token: null })
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    expect((await post(events(), body, { token: 'not-a-real-token-at-all' })).status).toBe(401)
    const read = await post(events(), body, { token: TOKENS.acmeRead })
    expect(read.status).toBe(403)
    expect(String(read.body.error)).toMatch(/scope read/)
  })

  it('rejects an unknown ?format= value', async () => {
    const response = await post(`${events()}?format=splunk`, JSON.stringify(event()))
    expect(response.status).toBe(400)
    expect(String(response.body.error)).toMatch(/unknown format "splunk"/)
  })

  it('answers 429 with Retry-After past the tenant rate and writes nothing for it', async () => {
    const one = (i: number) => JSON.stringify(event({ event_id: `slow-${i}` }))
    const tooBig = await post(events(), `[${[0, 1, 2, 3, 4, 5].map(one).join(',')}]`, {
      token: TOKENS.slowIngest,
    })
    expect(tooBig.status).toBe(429)
    expect(String(tooBig.body.error)).toMatch(/exceeds the tenant's burst of 5/)
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 8; i++) {
      const response = await post(events(), one(100 + i), { token: TOKENS.slowIngest })
      statuses.push(response.status)
      if (response.status === 429) retryAfter = response.headers.get('retry-after')
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202])
    expect(statuses).toContain(429)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
  })

  it('writes receipts that count the accepted events per tenant, gateway and minute', async () => {
    const receipts = jsonValues(
      await readTopic(kafka, collector.topics.receipts, 1, { settleMs: 2_000 }),
    ).map((v) => IngestReceipt.parse(v))
    const mixed = receipts.find((receipt) => receipt.accepted === 2 && receipt.rejected === 4)
    expect(mixed).toMatchObject({ tenant_id: 'acme', gateway: 'gw-eu-1', minutes: { '2026-11-24T10:00': 2 } })
    expect(receipts.filter((r) => r.tenant_id === 'slow').reduce((sum, r) => sum + r.accepted, 0)).toBe(
      receipts.filter((r) => r.tenant_id === 'slow').length,
    )
  })

  it('serves health and readiness on the ingest port, metrics only on the metrics port', async () => {
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200)
    expect(await (await fetch(`${collector.url}/readyz`)).json()).toEqual({ status: 'ready' })
    // Metrics name tenants, servers and tools: gateways (and whoever reaches the ingest port) don't see them.
    const onIngestPort = await fetch(`${collector.url}/metrics`)
    expect(onIngestPort.status).toBe(404)
    expect(await onIngestPort.text()).not.toContain('acme')
    expect(new URL(collector.metricsUrl).port).not.toBe(new URL(collector.url).port)
    expect(await (await fetch(`${collector.metricsUrl}/readyz`)).json()).toEqual({ status: 'ready' })
    const metrics = await (await fetch(`${collector.metricsUrl}/metrics`)).text()
    expect(metrics).toMatch(
      /mcp_audit_collector_events_accepted_total\{tenant="acme",format="toolhive"\} \d+/,
    )
    expect(metrics).toMatch(
      /mcp_audit_collector_events_rejected_total\{tenant="slow",reason="rate_limited"\} \d+/,
    )
    expect(metrics).toContain('mcp_audit_collector_kafka_produce_seconds_bucket')
    const notFound = await fetch(`${collector.url}/v1/nothing`)
    expect(notFound.status).toBe(404)
  })
})
