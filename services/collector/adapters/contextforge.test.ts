import { describe, expect, it } from 'vitest'
import { contextforgeAdapter } from './contextforge.js'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'

const records = loadFixture('contextforge')
const adapt = (record: unknown) => eventsOf(contextforgeAdapter.adapt(record, TEST_CONTEXT))[0]

describe('contextforge adapter', () => {
  it('maps a tool-invocation log entry (database row form)', () => {
    expect(adapt(records[0])).toMatchObject({
      event_id: '0e2d6a3c-47b1-4a5e-9c1f-2b7d8e9f0a11',
      timestamp: '2026-02-10T14:03:22.418000+00:00',
      method: 'tools/call',
      tool: 'get_weather',
      server: { name: 'weather-gw' },
      user: { id: 'alice@example.com' },
      request_id: 'req-7731',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      source_ip: '10.8.1.20',
      status: 'success',
      duration_ms: 212.4,
      attributes: {
        correlation_id: 'b8c1f0e2-3d4a-4b5c-9e6f-7a8b9c0d1e2f',
        custom_fields: { arguments_count: 2 },
      },
    })
  })

  it('maps a failed invocation (flat logger form) to error with its message and type', () => {
    expect(adapt(records[1])).toMatchObject({
      tool: 'create_ticket',
      status: 'error',
      error: { message: expect.stringContaining('422'), data: { type: 'ToolInvocationError' } },
    })
  })

  it('maps a timed-out invocation to timeout', () => {
    expect(adapt(records[2])).toMatchObject({
      tool: 'long_report',
      status: 'timeout',
      server: { name: 'reports' },
    })
  })

  it('keeps an authentication failure from the SIEM export as a denied gateway event', () => {
    expect(adapt(records[3])).toMatchObject({
      event_id: 'evt_4f1a9c2b7d3e',
      method: 'contextforge/authentication_failure',
      server: { name: 'mcpgateway' },
      user: { id: 'mallory@example.com' },
      source_ip: '203.0.113.99',
      status: 'denied',
      attributes: { severity: 'MEDIUM', threat: { failed_attempts: 3 } },
    })
  })

  it('maps a blocked tool call from the SIEM export', () => {
    expect(adapt(records[4])).toMatchObject({
      method: 'tools/call',
      tool: 'send_email',
      server: { name: 'mail-gw' },
      status: 'denied',
      decision: 'deny',
    })
  })
})
