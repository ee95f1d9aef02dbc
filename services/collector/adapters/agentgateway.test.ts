import { describe, expect, it } from 'vitest'
import { agentgatewayAdapter } from './agentgateway.js'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'

const records = loadFixture('agentgateway')
const adapt = (record: unknown) => eventsOf(agentgatewayAdapter.adapt(record, TEST_CONTEXT))[0]

describe('agentgateway adapter', () => {
  it('maps the access log of a tool call', () => {
    expect(adapt(records[0])).toMatchObject({
      timestamp: '2026-08-27T00:22:00.789058Z',
      method: 'tools/call',
      tool: 'add',
      server: { name: 'get-started' },
      user: { id: 'alice@example.com', auth_method: 'jwt' },
      source_ip: '172.18.0.1',
      request_id: '12',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      status: 'success',
      duration_ms: 4,
      attributes: { 'http.status': 200, route: 'default/route0' },
    })
  })

  it('reads the older keys (mcp.method, mcp.resource.name) and redacts credential headers', () => {
    const event = adapt(records[1])
    expect(event).toMatchObject({
      method: 'tools/call',
      tool: 'fetch',
      server: { name: 'mcp-target' },
      duration_ms: 716,
    })
    expect(event).toMatchObject({
      attributes: { 'rq.headers.all': { authorization: '[REDACTED]', 'user-agent': 'node' } },
    })
  })

  it('maps an authorization refusal to denied', () => {
    expect(adapt(records[2])).toMatchObject({ tool: 'delete_file', status: 'denied', decision: 'deny' })
  })

  it('maps a CEL-logged result with isError to error and keeps arguments and result', () => {
    expect(adapt(records[3])).toMatchObject({
      status: 'error',
      arguments: { path: '/etc/shadow' },
      result: { isError: true },
    })
  })

  it('maps a CEL-logged JSON-RPC error code', () => {
    expect(adapt(records[4])).toMatchObject({
      status: 'error',
      error: { code: -32601, message: 'Unknown tool: merge_pr' },
    })
  })

  it('maps reason Timeout to timeout', () => {
    expect(adapt(records[5])).toMatchObject({ status: 'timeout', duration_ms: 30001 })
  })

  it('maps non-tool methods; a resource read takes its URI; IPv6 peers lose the port', () => {
    expect(adapt(records[6])).toMatchObject({ method: 'initialize', server: { name: 'unknown' } })
    expect(adapt(records[7])).toMatchObject({
      method: 'resources/read',
      resource_uri: 'file:///handbook/security.md',
      source_ip: '2001:db8::17',
    })
  })
})
