import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { OtlpHttpSinkConfig, SinkConfig } from '../../../schemas/export.js'
import { storedEventFixture } from '../../../test/helpers/stored-event.js'
import { createLogger } from '../../platform/logger.js'
import { parseAllowList } from '../../webhooks/ssrf.js'
import { exportMetrics } from '../metrics.js'
import { toExportEvent } from '../record.js'
import type { ExportLogsServiceRequest } from './otlp-format.js'
import { createOtlpHttpSink } from './otlp-http.js'
import { sendFailure } from './sink.js'

/**
 * The sink against answers a real collector gives only in trouble (partial success, throttling,
 * refusals): a loopback server replies what each test sets. The happy path against the real
 * OpenTelemetry Collector is test/integration/export-otlp.int.test.ts.
 */

const API_KEY = 'otlp-key-7d41c0ffee'
let server: http.Server
let url: string
let reply: { status: number; body: string; headers?: Record<string, string> }
const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: ExportLogsServiceRequest }> =
  []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text) as ExportLogsServiceRequest,
      })
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  received.length = 0
  reply = { status: 200, body: '{}' }
})

function sinkWith(overrides: Record<string, unknown> = {}) {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'))
      done()
    },
  })
  const registry = new Registry()
  const metrics = exportMetrics(registry)
  const sink = createOtlpHttpSink({
    config: OtlpHttpSinkConfig.parse({
      name: 'otel',
      type: 'otlp-http',
      url,
      headers: { 'x-api-key': API_KEY },
      ...overrides,
    }),
    allowList: parseAllowList(['127.0.0.0/8']),
    logger: createLogger({ level: 'info', destination }),
    rejected: metrics.rejected,
    timeoutMs: 2_000,
  })
  return { sink, lines, registry }
}

const records = [storedEventFixture(), storedEventFixture({ event_id: 'second' })].map(toExportEvent)

async function failureOf(promise: Promise<unknown>) {
  return sendFailure(
    await promise.then(() => expect.fail('the send should fail')).catch((err: unknown) => err),
  )
}

describe('otlp-http sink', () => {
  it('posts the batch gzip-compressed as OTLP JSON to /v1/logs with the configured headers', async () => {
    const { sink } = sinkWith()
    await sink.send(records)
    expect(received).toHaveLength(1)
    const [request] = received
    expect(request!.path).toBe('/v1/logs')
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-api-key': API_KEY,
    })
    expect(request!.body.resourceLogs[0]!.scopeLogs[0]!.logRecords).toHaveLength(2)
  })

  it('reads its tls files when created: a missing CA file stops the start naming the sink and key', () => {
    expect(() => sinkWith({ tls: { caFile: '/nonexistent/otel-ca.pem' } })).toThrow(
      'export.sinks "otel": tls.caFile /nonexistent/otel-ca.pem cannot be read (ENOENT)',
    )
  })

  it('sends plain JSON when gzip is off', async () => {
    const { sink } = sinkWith({ gzip: false })
    await sink.send(records)
    expect(received[0]!.headers['content-encoding']).toBeUndefined()
  })

  it('takes a partial success as final: counts and logs the rejected records, sends nothing again', async () => {
    reply = {
      status: 200,
      body: '{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"log record too large"}}',
    }
    const { sink, lines, registry } = sinkWith()
    await sink.send(records)
    expect(received).toHaveLength(1)
    expect(await registry.getSingleMetricAsString('mcp_audit_export_rejected_records_total')).toContain(
      'mcp_audit_export_rejected_records_total{sink="otel"} 1',
    )
    const warning = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'export_partial_success')
    expect(warning).toMatchObject({
      level: 40,
      rejected: 1,
      records: 2,
      collector_message: 'log record too large',
    })
    expect(lines.join('\n')).not.toContain(API_KEY)
  })

  it('retries only 429, 502, 503 and 504, honouring Retry-After', async () => {
    const { sink } = sinkWith()
    for (const status of [429, 502, 503, 504]) {
      reply = { status, body: '{"code":14,"message":"unavailable"}', headers: { 'retry-after': '7' } }
      expect(await failureOf(sink.send(records))).toMatchObject({ retryable: true, retryAfterMs: 7_000 })
    }
    for (const status of [400, 401, 404, 413, 500, 501]) {
      reply = { status, body: '{"code":3,"message":"bad request"}' }
      const failure = await failureOf(sink.send(records))
      expect(failure.retryable).toBe(false)
      expect(failure.message).toContain(`answered ${status}`)
      expect(failure.message).toContain('the sink is paused')
      expect(failure.message).not.toContain(API_KEY)
    }
  })

  it('is refused by the SSRF guard without an allow-list entry for loopback', async () => {
    const sink = createOtlpHttpSink({
      config: OtlpHttpSinkConfig.parse({ name: 'otel', type: 'otlp-http', url }),
      allowList: [],
      logger: createLogger({ level: 'silent' }),
      rejected: exportMetrics(new Registry()).rejected,
    })
    expect(await failureOf(sink.send(records))).toMatchObject({ retryable: false })
    expect(received).toHaveLength(0)
  })
})

describe('otlp-http sink config', () => {
  const parse = (sink: Record<string, unknown>) =>
    SinkConfig.safeParse({ name: 'otel', type: 'otlp-http', url: 'https://otel.example:4318', ...sink })

  it('defaults to gzip and no headers', () => {
    expect(parse({}).data).toMatchObject({ gzip: true, headers: {}, startFrom: 'latest' })
  })

  it('refuses headers the sink sets itself, header values over two lines and unknown keys', () => {
    expect(parse({ headers: { 'Content-Type': 'text/plain' } }).error?.message).toContain(
      'is set by the sink',
    )
    expect(parse({ headers: { 'x-key': 'a\r\nx-evil: 1' } }).error?.message).toContain('must be one line')
    expect(parse({ header: {} }).success).toBe(false)
    expect(parse({ url: 'grpc://otel:4317' }).error?.message).toContain('http or https')
  })
})
