import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SplunkHecSinkConfig } from '../../../schemas/export.js'
import { startHecReceiver, type HecReceiver } from '../../../test/helpers/splunk-hec.js'
import { storedEventFixture } from '../../../test/helpers/stored-event.js'
import { parseAllowList } from '../../webhooks/ssrf.js'
import { toExportEvent } from '../record.js'
import { sendFailure } from './sink.js'
import { createSplunkHecSink } from './splunk-hec.js'

const TOKEN = '5b1c2d3e-0000-4000-8000-00000000c0de'
const loopback = parseAllowList(['127.0.0.0/8'])
let hec: HecReceiver

beforeAll(async () => {
  hec = await startHecReceiver([
    { value: TOKEN, indexes: ['main', 'mcp'] },
    { value: 'disabled-token', indexes: ['main'], disabled: true },
  ])
})
afterAll(() => hec.close())
beforeEach(() => {
  hec.events.length = 0
  hec.answers.length = 0
  hec.busy = false
})

const sinkConfig = (overrides: Record<string, unknown> = {}) =>
  SplunkHecSinkConfig.parse({
    name: 'soc',
    type: 'splunk-hec',
    url: hec.url,
    token: TOKEN,
    index: 'mcp',
    ...overrides,
  })

const records = [storedEventFixture(), storedEventFixture({ event_id: 'second' })].map(toExportEvent)

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise
  } catch (err) {
    return sendFailure(err)
  }
  throw new Error('the send succeeded')
}

describe('the Splunk HEC sink against a receiver that enforces the HEC protocol', () => {
  it('delivers a gzip batch with the token, in the configured index, each record as the event', async () => {
    await createSplunkHecSink({ config: sinkConfig(), allowList: loopback }).send(records)
    expect(hec.answers).toEqual([{ status: 200, code: 0 }])
    expect(hec.events.map((event) => [event.index, (event.event as { id: string }).id])).toEqual([
      ['mcp', records[0]!.id],
      ['mcp', 'second'],
    ])
    expect(hec.events[0]).toMatchObject({
      host: 'gw-eu-1',
      sourcetype: 'mcp:audit:event',
      source: 'mcp-audit',
    })
  })

  it('reads its tls files when created: a missing CA file stops the start naming the sink and key', () => {
    expect(() =>
      createSplunkHecSink({
        config: sinkConfig({ tls: { caFile: '/nonexistent/hec-ca.pem' } }),
        allowList: loopback,
      }),
    ).toThrow('export.sinks "soc": tls.caFile /nonexistent/hec-ca.pem cannot be read (ENOENT)')
  })

  it('sends plain JSON when gzip is off', async () => {
    await createSplunkHecSink({ config: sinkConfig({ gzip: false }), allowList: loopback }).send(records)
    expect(hec.events).toHaveLength(2)
  })

  it('takes 503 (server busy) as back-pressure to retry, and succeeds once the receiver has room', async () => {
    const sink = createSplunkHecSink({ config: sinkConfig(), allowList: loopback })
    hec.busy = true
    const failure = await failureOf(sink.send(records))
    expect(failure).toMatchObject({ retryable: true })
    expect(failure.message).toContain('503')
    expect(failure.message).toContain('Server is busy')
    hec.busy = false
    await sink.send(records)
    expect(hec.events).toHaveLength(2)
  })

  it('does not retry a wrong token, a disabled token or an index the token may not write, and never shows the token', async () => {
    for (const overrides of [
      { token: 'wrong-token' },
      { token: 'disabled-token', index: 'main' },
      { index: 'other' },
    ]) {
      const failure = await failureOf(
        createSplunkHecSink({ config: sinkConfig(overrides), allowList: loopback }).send(records),
      )
      expect(failure.retryable).toBe(false)
      expect(failure.message).toContain('the sink is paused')
      expect(failure.message).not.toContain(TOKEN)
      expect(failure.message).not.toContain('wrong-token')
    }
    expect(hec.answers.map((answer) => answer.code)).toEqual([4, 1, 7])
    expect(hec.events).toHaveLength(0)
  })

  it('refuses a loopback receiver that alerts.allowPrivateNetworks does not list (SSRF guard)', async () => {
    const failure = await failureOf(
      createSplunkHecSink({ config: sinkConfig(), allowList: [] }).send(records),
    )
    expect(failure.retryable).toBe(false)
    expect(failure.message).toContain('loopback')
    expect(hec.answers).toHaveLength(0)
  })
})

describe('the HEC test receiver refuses what Splunk refuses', () => {
  const post = (body: string | Buffer, headers: Record<string, string>, path = '/services/collector/event') =>
    fetch(`${hec.url}${path}`, { method: 'POST', body, headers }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as { code: number; 'invalid-event-number'?: number },
    }))
  const auth = { authorization: `Splunk ${TOKEN}` }

  it('answers each documented error with its status and code', async () => {
    expect(await post('{"event":"x"}', {})).toMatchObject({ status: 401, body: { code: 2 } })
    expect(await post('{"event":"x"}', { authorization: `Bearer ${TOKEN}` })).toMatchObject({
      status: 401,
      body: { code: 3 },
    })
    expect(await post('', auth)).toMatchObject({ status: 400, body: { code: 5 } })
    expect(await post('{"event":', auth)).toMatchObject({ status: 400, body: { code: 6 } })
    expect(await post('{"event":"a"}{"time":1}', auth)).toMatchObject({
      status: 400,
      body: { code: 12, 'invalid-event-number': 1 },
    })
    expect(await post('{"event":""}', auth)).toMatchObject({ status: 400, body: { code: 13 } })
    expect(await post('{"event":"a","fields":{"nested":{"x":1}}}', auth)).toMatchObject({
      status: 400,
      body: { code: 15 },
    })
    expect(await post('{"event":"a","time":"yesterday"}', auth)).toMatchObject({
      status: 400,
      body: { code: 6 },
    })
    expect(await post('{"event":"a"}', auth, '/services/collector/raw-ish')).toMatchObject({ status: 404 })
    expect(
      await post(gzipSync('{"event":"a"} {"event":"b"}'), { ...auth, 'content-encoding': 'gzip' }),
    ).toMatchObject({
      status: 200,
      body: { code: 0 },
    })
    // As in Splunk, the events before a refused one were indexed.
    expect(hec.events.map((event) => event.event)).toEqual(['a', 'a', 'b'])
  })
})
