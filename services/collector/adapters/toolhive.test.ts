import { describe, expect, it } from 'vitest'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { toolhiveAdapter } from './toolhive.js'

const records = loadFixture('toolhive')
const adapt = (record: unknown) => eventsOf(toolhiveAdapter.adapt(record, TEST_CONTEXT))[0]

describe('toolhive adapter', () => {
  it('maps a tool call with captured request/response data', () => {
    expect(adapt(records[0])).toMatchObject({
      event_id: '6f1c1b7e-2f4d-4b59-9a0e-0d6c2f0b1a11',
      timestamp: '2026-03-02T09:15:04.111843Z',
      method: 'tools/call',
      tool: 'search_issues',
      server: { name: 'github', transport: 'http' },
      user: { id: 'auth0|64f1c2' },
      client: { name: 'claude-code', version: '1.0.33' },
      session_id: '4c0d2f7e-9b1a-4e55-8a63-3f1f0f7d2c90',
      request_id: 7,
      source_ip: '10.20.3.14',
      user_agent: 'claude-code/1.0.33',
      arguments: { repo: 'acme/payments', query: 'is:open label:bug' },
      result: { isError: false },
      status: 'success',
      duration_ms: 184,
      attributes: { user_name: 'Alice Martin', response_size_bytes: 2231, http_request_id: 'a1b2c3d4-0001' },
    })
  })

  it('maps outcome denied to status denied and decision deny', () => {
    expect(adapt(records[1])).toMatchObject({ tool: 'delete_repository', status: 'denied', decision: 'deny' })
  })

  it('maps application_error to error with the JSON-RPC code and message', () => {
    expect(adapt(records[2])).toMatchObject({
      status: 'error',
      error: { code: -32602, message: "Invalid params: 'title' is required" },
    })
  })

  it('maps a resource read to its URI', () => {
    expect(adapt(records[3])).toMatchObject({
      method: 'resources/read',
      resource_uri: 'file:///srv/reports/q4-summary.md',
      server: { name: 'filesystem', transport: 'streamable-http' },
    })
  })

  it('maps non-tool methods and keeps transport events under their ToolHive type', () => {
    expect(adapt(records[4])).toMatchObject({ method: 'tools/list', user: { id: 'anonymous' } })
    expect(adapt(records[5])).toMatchObject({ method: 'sse_connection', attributes: { http_method: 'GET' } })
  })

  it("reads the struct's own JSON (loggedAt, metadata.auditId) and non-JSON-RPC captured data", () => {
    expect(adapt(records[6])).toMatchObject({
      event_id: '2d6e1c0a-5b7f-4e3d-9c8b-7a6f5e4d3c77',
      timestamp: '2025-06-03T13:02:28Z',
      tool: 'weather',
      duration_ms: 150,
      arguments: { location: 'New York' },
      result: { temperature: '22°C' },
    })
  })

  it('takes the vMCP backend as server and turns isError into status error', () => {
    expect(adapt(records[7])).toMatchObject({
      server: { name: 'postgres' },
      status: 'error',
      request_id: 'q-19',
    })
  })

  it('rejects a record without type or logged_at', () => {
    expect(toolhiveAdapter.adapt({ audit_id: 'x' }, TEST_CONTEXT)).toMatchObject({
      kind: 'invalid',
      path: 'type',
    })
    expect(toolhiveAdapter.adapt({ audit_id: 'x', type: 'mcp_ping' }, TEST_CONTEXT)).toMatchObject({
      kind: 'invalid',
      path: 'logged_at',
    })
  })
})
