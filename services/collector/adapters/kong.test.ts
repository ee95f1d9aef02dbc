import { describe, expect, it } from 'vitest'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { kongAdapter } from './kong.js'

const records = loadFixture('kong')
const adapt = (record: unknown) => eventsOf(kongAdapter.adapt(record, TEST_CONTEXT))

describe('kong adapter', () => {
  it('maps the documented entry: one rpc, allowed by the access-control entry', () => {
    const events = adapt(records[0])
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      event_id: '2f6946328ffc4946b8c9120704a4a155:rpc:0',
      timestamp: new Date(1767258000123).toISOString(),
      method: 'tools/call',
      tool: 'list_orders',
      server: { name: 'orders-api' },
      user: { id: 'admin' },
      session_id: '8d2f7c1e-5a4b-4f3e-9d2c-1b0a9f8e7d6c',
      request_id: '2',
      source_ip: '198.51.100.23',
      status: 'success',
      decision: 'allow',
      duration_ms: 6,
    })
  })

  it('turns a deny-only entry into a denied event', () => {
    expect(adapt(records[1])).toEqual([
      expect.objectContaining({
        event_id: '5b0e7d2a91c34f6e8a7b6c5d4e3f2a1b:audit:0',
        method: 'tools/call',
        tool: 'refund_order',
        status: 'denied',
        decision: 'deny',
        user: { id: 'admin' },
      }),
    ])
  })

  it('maps one entry with several rpc items and an unmatched deny to several events', () => {
    const events = adapt(records[2])
    expect(events.map((event) => [event.method, event.tool, event.status, event.decision])).toEqual([
      ['tools/list', undefined, 'success', undefined],
      ['tools/call', 'get_order', 'error', 'allow'],
      ['tools/call', 'get_order', 'success', 'allow'],
      ['tools/call', 'cancel_order', 'denied', 'deny'],
    ])
    expect(events[1]).toMatchObject({
      arguments: { order_id: 'A-10042' },
      result: { isError: true },
      request_id: '4',
    })
    expect(new Set(events.map((event) => event.event_id)).size).toBe(4)
  })

  it('maps an rpc error that says the upstream timed out to timeout', () => {
    expect(adapt(records[3])[0]).toMatchObject({
      status: 'timeout',
      error: { message: 'upstream request timed out' },
      duration_ms: 30002,
    })
  })

  it('records a 401 without ai.mcp as a denied access and rejects other entries without ai.mcp', () => {
    const unauthenticated = {
      started_at: 1767258000000,
      client_ip: '203.0.113.7',
      response: { status: 401 },
      request: {},
    }
    expect(adapt(unauthenticated)).toEqual([expect.objectContaining({ method: 'unknown', status: 'denied' })])
    expect(kongAdapter.adapt({ started_at: 1, response: { status: 200 } }, TEST_CONTEXT)).toMatchObject({
      kind: 'invalid',
      path: 'ai.mcp',
    })
  })
})
