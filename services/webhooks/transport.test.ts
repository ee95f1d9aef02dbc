import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selfSignedCert } from '../../test/helpers/tls-cert.js'
import { DeliveryError } from './errors.js'
import { parseAllowList } from './ssrf.js'
import { classifyAnswer, createHttpTransport, parseRetryAfter } from './transport.js'

const NOW = Date.parse('2026-11-24T10:00:00Z')

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0)
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', NOW)).toBe(0)
    expect(parseRetryAfter('soon', NOW)).toBeUndefined()
    expect(parseRetryAfter('-5', NOW)).toBeUndefined()
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined()
  })
})

describe('classifyAnswer', () => {
  const answer = (status: number, retryAfter?: string, snippet = '') =>
    classifyAnswer('hooks.example.com', { status, retryAfter, snippet }, NOW)

  it('treats 2xx (PagerDuty answers 202) as delivered', () => {
    expect(answer(200)).toBeUndefined()
    expect(answer(202)).toBeUndefined()
    expect(answer(204)).toBeUndefined()
  })

  it('retries 429, 5xx and 408, carrying status and Retry-After', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(answer(status)).toMatchObject({ retryable: true, status, failure: 'http' })
    }
    expect(answer(429, '7')?.retryAfterMs).toBe(7_000)
    expect(answer(503)?.retryAfterMs).toBeUndefined()
  })

  it('disables on 410 and gives up on other 4xx and 3xx, saying why', () => {
    const gone = answer(410)
    expect(gone).toMatchObject({ retryable: false, status: 410, failure: 'gone' })
    expect(gone?.disablesEndpoint).toBe(true)
    const bad = answer(400, undefined, 'invalid_payload\n')
    expect(bad).toMatchObject({ retryable: false, status: 400 })
    expect(bad?.disablesEndpoint).toBe(false)
    expect(bad?.message).toContain('webhook hooks.example.com answered 400 (invalid_payload)')
    expect(answer(302)?.message).toContain('redirects are not followed')
    expect(answer(302)?.retryable).toBe(false)
  })

  it('lets a receiver narrow what is retried (OTLP: 429, 502, 503, 504 only)', () => {
    const otlp = (status: number) =>
      classifyAnswer('otel.example', { status, retryAfter: undefined, snippet: '' }, NOW, undefined, (code) =>
        [429, 502, 503, 504].includes(code),
      )
    expect(otlp(503)?.retryable).toBe(true)
    expect(otlp(500)?.retryable).toBe(false)
    expect(otlp(408)?.retryable).toBe(false)
  })
})

describe('createHttpTransport against a local receiver', () => {
  let server: http.Server
  let base: string
  const hits: string[] = []

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '')
      req.resume()
      req.on('end', () => {
        if (req.url === '/ok') res.writeHead(202).end('{"status":"success"}')
        else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end()
        else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 1_000)
        else if (req.url === '/chatty') res.writeHead(500).end('e'.repeat(100_000))
        else res.writeHead(404).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const allowLoopback = createHttpTransport({ allowList: parseAllowList(['127.0.0.0/8']), timeoutMs: 300 })
  const post = (path: string, transport = allowLoopback) =>
    transport.post({ url: `${base}${path}`, body: '{}', headers: { 'content-type': 'application/json' } })

  it('posts and resolves on 2xx', async () => {
    expect(await post('/ok')).toEqual({ status: 202, body: '{"status":"success"}' })
  })

  it('does not follow redirects', async () => {
    hits.length = 0
    await expect(post('/redirect')).rejects.toMatchObject({ status: 302, retryable: false })
    expect(hits).toEqual(['/redirect'])
  })

  it('times out with a retryable error', async () => {
    const error = await post('/slow').catch((err: unknown) => err)
    expect(error).toBeInstanceOf(DeliveryError)
    expect(error).toMatchObject({ failure: 'timeout', retryable: true })
  })

  it('reads only the start of a long error answer', async () => {
    const error = (await post('/chatty').catch((err: unknown) => err)) as DeliveryError
    expect(error).toMatchObject({ status: 500, retryable: true })
    expect(error.message.length).toBeLessThan(400)
  })

  it('connects a hostname to the address it checked, without asking DNS again', async () => {
    const pinned = createHttpTransport({
      allowList: parseAllowList(['127.0.0.0/8']),
      timeoutMs: 1_000,
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    })
    const { port } = new URL(base)
    const receipt = await pinned.post({ url: `http://receiver.invalid:${port}/ok`, body: '{}', headers: {} })
    expect(receipt.status).toBe(202)
  })

  it('refuses loopback without an allow-list entry, before any request', async () => {
    hits.length = 0
    const strict = createHttpTransport({ allowList: [], timeoutMs: 300 })
    await expect(post('/ok', strict)).rejects.toMatchObject({ failure: 'blocked', retryable: false })
    expect(hits).toEqual([])
  })

  it('reports an unreachable receiver as retryable', async () => {
    const closed = createHttpTransport({ allowList: parseAllowList(['127.0.0.0/8']), timeoutMs: 1_000 })
    await expect(closed.post({ url: 'http://127.0.0.1:1/', body: '{}', headers: {} })).rejects.toMatchObject({
      failure: 'network',
      retryable: true,
    })
  })
})

describe('createHttpTransport over TLS', () => {
  let dir: string
  let server: https.Server
  let url: string
  let ca: Buffer

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-transport-tls-'))
    const { certFile, keyFile } = selfSignedCert(dir)
    ca = readFileSync(certFile)
    server = https.createServer({ cert: ca, key: readFileSync(keyFile) }, (req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(200).end('{}'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  const allowList = parseAllowList(['127.0.0.0/8'])
  const post = (transport: ReturnType<typeof createHttpTransport>, target = url) =>
    transport.post({ url: target, body: '{}', headers: {} })

  it('trusts a private CA given as TLS material', async () => {
    expect(await post(createHttpTransport({ allowList, tls: { ca } }))).toMatchObject({ status: 200 })
  })

  it('names an untrusted certificate and what to do, and leaves it retryable', async () => {
    const error = (await post(
      createHttpTransport({
        allowList,
        wording: { noun: 'collector', clientErrorAdvice: '', certificateAdvice: 'set tls.caFile' },
      }),
    ).catch((err: unknown) => err)) as DeliveryError
    expect(error).toMatchObject({ failure: 'network', retryable: true })
    expect(error.message).toMatch(
      /^the TLS certificate of collector 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\); set tls\.caFile$/,
    )
  })

  it('checks the certificate against servername when one is given', async () => {
    const error = (await post(
      createHttpTransport({ allowList, tls: { ca, servername: 'otel.example' } }),
    ).catch((err: unknown) => err)) as DeliveryError
    expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(
      await post(createHttpTransport({ allowList, tls: { ca, servername: 'localhost' } })),
    ).toMatchObject({
      status: 200,
    })
  })
})
