import { describe, expect, it } from 'vitest'
import { envoyAdapter } from './envoy.js'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'

const records = loadFixture('envoy')
const adapt = (record: unknown) => eventsOf(envoyAdapter.adapt(record, TEST_CONTEXT))[0]

describe('envoy adapter', () => {
  it('maps the documented MCP access log entry (mcp_* keys); the tool is unknown without mcp.tool.name', () => {
    const event = adapt(records[0])
    expect(event).toMatchObject({
      event_id: 'cf2c0454-6290-498e-af6c-e32a611b5da1',
      timestamp: '2025-10-08T10:42:11.430Z',
      method: 'tools/call',
      tool: 'unknown',
      server: { name: 'context7' },
      request_id: '3',
      source_ip: '127.0.0.1',
      status: 'success',
      duration_ms: 653,
      attributes: { bytes_sent: 10255 },
    })
    expect(event).not.toHaveProperty('session_id')
    expect(event?.attributes).not.toHaveProperty('genai_model_name')
  })

  it('maps the semconv keys and prefers the X-Forwarded-For client', () => {
    expect(adapt(records[1])).toMatchObject({
      tool: 'list_pull_requests',
      server: { name: 'github' },
      session_id: 'c2Vzc2lvbi1hYmM',
      source_ip: '203.0.113.50',
      user_agent: 'claude-code/1.0.33',
    })
  })

  it('maps ext_authz denial, upstream timeout and upstream reset', () => {
    expect(adapt(records[2])).toMatchObject({
      status: 'denied',
      decision: 'deny',
      error: { message: 'ext_authz_denied' },
    })
    expect(adapt(records[3])).toMatchObject({ status: 'timeout', duration_ms: 15001 })
    expect(adapt(records[5])).toMatchObject({ status: 'error', error: { data: { response_code: 502 } } })
  })

  it('maps a non-tool method without inventing a tool', () => {
    const event = adapt(records[4])
    expect(event).toMatchObject({ method: 'tools/list', status: 'success' })
    expect(event).not.toHaveProperty('tool')
  })
})
