import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, test } from 'vitest'
import { prepareBody } from '../collector/prepare.js'
import { FatalResponseError } from './http-sink.js'
import { runSimulation, type SimulationOptions } from './run.js'
import type { SimFormat } from './types.js'

type Reply = (
  req: IncomingMessage,
  attempt: number,
) => { status: number; headers?: Record<string, string> } | undefined

interface FakeCollector {
  url: string
  requests: number
  sockets: Set<Socket>
  tokens: Set<string>
  events: number
  close(): Promise<void>
}

/**
 * A stand-in collector that runs the real request preparation (`prepareBody`) and answers like the
 * collector does; `reply` can answer some requests otherwise (429, 503, 401) first.
 */
async function fakeCollector(reply: Reply = () => undefined): Promise<FakeCollector> {
  const state = { requests: 0, events: 0, sockets: new Set<Socket>(), tokens: new Set<string>() }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      state.requests++
      state.sockets.add(req.socket)
      state.tokens.add(req.headers.authorization ?? '')
      const early = reply(req, state.requests)
      if (early) {
        res.writeHead(early.status, { 'content-type': 'application/json', ...early.headers })
        res.end(JSON.stringify({ accepted: 0, rejected: 0, errors: [], error: `status ${early.status}` }))
        return
      }
      const url = new URL(req.url ?? '/', 'http://x')
      const format = (url.pathname === '/v1/logs' ? 'otlp' : url.searchParams.get('format')) as SimFormat
      const server = url.searchParams.get('server') ?? undefined
      const raw = Buffer.concat(chunks)
      const prepared = prepareBody({
        body: req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw,
        contentType: req.headers['content-type'],
        ctx: {
          tenantId: 't',
          gateway: 'g',
          receivedAt: new Date().toISOString(),
          format,
          ...(server ? { serverName: server } : {}),
        },
      })
      const answer =
        prepared.kind === 'error'
          ? { accepted: 0, rejected: 1, errors: [{ index: 0, path: '', message: prepared.message }] }
          : { accepted: prepared.events.length, rejected: prepared.errors.length, errors: prepared.errors }
      state.events += answer.accepted
      if (format === 'docker') {
        res.writeHead(202, {
          'x-mcp-audit-accepted': String(answer.accepted),
          'x-mcp-audit-rejected': String(answer.rejected),
        })
        res.end()
        return
      }
      res.writeHead(answer.accepted > 0 ? 202 : 400, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests
    },
    get events() {
      return state.events
    },
    sockets: state.sockets,
    tokens: state.tokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const BASE: SimulationOptions = {
  seed: 'run',
  rate: 300,
  duration: 1,
  start: '2026-11-24T09:00:00Z',
  catalogue: 'builtin',
  tenants: [
    { id: 'acme', timezone: 'Europe/Berlin' },
    { id: 'globex', timezone: 'America/New_York' },
  ],
  flushMs: 50,
}

let collector: FakeCollector | undefined
afterEach(async () => {
  await collector?.close()
  collector = undefined
})

describe('pushing to a collector', () => {
  test('paces calls at the rate, batches per gateway over kept-alive connections, and reports', async () => {
    collector = await fakeCollector()
    const summary = await runSimulation({
      ...BASE,
      url: collector.url,
      token: (tenant) => `token-${tenant}`,
      scenarios: ['all'],
    })
    // The silent gateway's calls after its silence starts are never sent.
    expect(summary.calls).toBeLessThan(300)
    expect(summary.calls).toBeGreaterThan(270)
    expect(summary.http!.accepted).toBe(summary.events)
    expect(summary.http!.rejected).toBe(0)
    expect(collector.events).toBe(summary.events)
    expect(summary.scenarioEvents).toBeGreaterThan(200)
    // Paced: never faster than the rate. (How much slower a loaded machine runs is not asserted.)
    expect(summary.elapsedMs).toBeGreaterThan(900)
    expect(summary.callsPerSecond).toBeLessThan(340)
    expect(summary.http!.statuses['202']).toBe(summary.http!.requests)
    expect(summary.http!.latencyMs.p99).toBeGreaterThanOrEqual(summary.http!.latencyMs.p50)
    // Kept alive: connections are reused (a loaded machine opens more of them, so no tighter bound).
    expect(collector.sockets.size).toBeLessThan(collector.requests)
    expect(collector.tokens).toEqual(new Set(['Bearer token-acme', 'Bearer token-globex']))
    expect(summary.incidents).toHaveLength(11)
  })

  test('gzips bodies on request', async () => {
    collector = await fakeCollector()
    const summary = await runSimulation({ ...BASE, rate: 100, url: collector.url, token: 'dev', gzip: true })
    expect(summary.http!.accepted).toBe(summary.events)
    expect(summary.http!.rejected).toBe(0)
  })

  test('retries 429 and 503 after Retry-After, within bounds', async () => {
    collector = await fakeCollector((_req, attempt) => {
      if (attempt === 1) return { status: 429, headers: { 'retry-after': '0' } }
      if (attempt === 2) return { status: 503, headers: { 'retry-after': '0' } }
      return undefined
    })
    const summary = await runSimulation({
      ...BASE,
      rate: 50,
      url: collector.url,
      token: 'dev',
      maxInFlight: 1,
    })
    expect(summary.http!.statuses['429']).toBe(1)
    expect(summary.http!.statuses['503']).toBe(1)
    expect(summary.http!.retries).toBe(2)
    expect(summary.http!.failed).toBe(0)
    expect(summary.http!.accepted).toBe(summary.events)
  })

  test('gives up after the last try and counts the events as not accepted', async () => {
    collector = await fakeCollector(() => ({ status: 503, headers: { 'retry-after': '0' } }))
    const summary = await runSimulation({
      ...BASE,
      rate: 20,
      url: collector.url,
      token: 'dev',
      maxAttempts: 2,
    })
    expect(summary.http!.accepted).toBe(0)
    expect(summary.http!.failed).toBe(summary.http!.requests)
    expect(summary.http!.rejected).toBe(summary.events)
    expect(summary.http!.retries).toBe(summary.http!.requests)
  })

  test('a refused token stops the run with a message that says what to do', async () => {
    collector = await fakeCollector(() => ({ status: 401 }))
    await expect(runSimulation({ ...BASE, url: collector.url, token: 'wrong' })).rejects.toThrow(
      FatalResponseError,
    )
    await expect(runSimulation({ ...BASE, url: collector.url, token: 'wrong' })).rejects.toThrow(
      /pass --token/,
    )
  })

  test('a collector that cannot be reached stops the run with a message that says what to do', async () => {
    const closed = await fakeCollector()
    await closed.close()
    await expect(runSimulation({ ...BASE, url: closed.url, token: 'dev', maxAttempts: 2 })).rejects.toThrow(
      /cannot reach the collector at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED/,
    )
  })
})

describe('writing NDJSON files', () => {
  test('one file of generic events, unpaced', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mcp-sim-'))
    const out = path.join(dir, 'day.ndjson')
    const summary = await runSimulation({ ...BASE, rate: 5000, duration: 1, compressTime: 86_400, out })
    expect(summary.elapsedMs).toBeLessThan(5000)
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(5000)
    expect((JSON.parse(lines[0]!) as { method: string }).method).toBeTruthy()
    expect(summary.files).toEqual([{ file: out, records: 5000 }])
  })

  test('per format, each file postable as-is with its ?format=', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mcp-sim-'))
    const summary = await runSimulation({
      ...BASE,
      rate: 400,
      out: path.join(dir, 'run.ndjson'),
      perFormatFiles: true,
    })
    const files = readdirSync(dir)
    expect(files).toContain('run.kong.ndjson')
    expect(files).toContain('run.otlp.ndjson')
    expect(files.some((file) => /^run\.docker\.[\w.-]+\.ndjson$/.test(file))).toBe(true)
    for (const file of files) {
      const [, format, server] = /^run\.(\w+)(?:\.(.+))?\.ndjson$/.exec(file)!
      const prepared = prepareBody({
        body: readFileSync(path.join(dir, file)),
        contentType: 'application/x-ndjson',
        ctx: {
          tenantId: 't',
          gateway: 'g',
          receivedAt: '2026-11-24T12:00:00Z',
          format: format as SimFormat,
          ...(server ? { serverName: server } : {}),
        },
      })
      expect(prepared.kind === 'ok' && prepared.errors, file).toEqual([])
    }
    expect(summary.files!.reduce((sum, file) => sum + file.records, 0)).toBe(summary.records)
  })
})
