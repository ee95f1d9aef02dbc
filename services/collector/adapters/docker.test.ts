import { describe, expect, it } from 'vitest'
import { dockerAdapter } from './docker.js'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'

const records = loadFixture('docker')
const ctx = { ...TEST_CONTEXT, serverName: 'fetch' }
const adapt = (record: unknown) => eventsOf(dockerAdapter.adapt(record, ctx))[0]

describe('docker adapter', () => {
  it('maps a before-interceptor CallToolRequest, with time and server from the request context', () => {
    expect(adapt(records[0])).toMatchObject({
      timestamp: TEST_CONTEXT.receivedAt,
      method: 'tools/call',
      tool: 'fetch',
      server: { name: 'fetch' },
      arguments: { url: 'https://example.com/changelog' },
      attributes: { interceptor: 'before', timestamp_source: 'received_at' },
    })
  })

  it('maps after-interceptor CallToolResults; isError makes status error', () => {
    expect(adapt(records[1])).toMatchObject({ method: 'tools/call', tool: 'unknown', status: 'success' })
    expect(adapt(records[2])).toMatchObject({ status: 'error', result: { isError: true } })
  })

  it('reads client, protocol version and trace id from the 2026-07-28 _meta', () => {
    expect(adapt(records[3])).toMatchObject({
      tool: 'get_weather',
      request_id: 'call-42',
      client: { name: 'ExampleClient', version: '1.0.0' },
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      attributes: { protocol_version: '2026-07-28' },
    })
  })

  it('maps a JSON-RPC error response to error', () => {
    expect(adapt(records[4])).toMatchObject({
      status: 'error',
      error: { code: -32602 },
      request_id: 'call-43',
    })
  })

  it('names the server unknown when no ?server= was given', () => {
    expect(eventsOf(dockerAdapter.adapt(records[0], TEST_CONTEXT))[0]).toMatchObject({
      server: { name: 'unknown' },
    })
  })
})
