import { describe, expect, it } from 'vitest'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { otlpAdapter } from './otlp.js'

const [body] = loadFixture('otlp')
const events = eventsOf(otlpAdapter.adapt(body, TEST_CONTEXT))

describe('otlp adapter', () => {
  it('maps every MCP log record of the body and skips the others', () => {
    expect(events).toHaveLength(6)
    expect(events.map((event) => event.method)).toEqual([
      'tools/call',
      'tools/call',
      'resources/read',
      'tools/call',
      'prompts/get',
      'tools/call',
    ])
  })

  it('maps the OTel GenAI/MCP attributes of a tool call', () => {
    expect(events[0]).toMatchObject({
      event_id: '01JGQ3V5M9W3Y7T8K2N4P6R8S0',
      timestamp: '2026-01-01T00:00:00.123456789Z',
      tool: 'search_issues',
      server: { name: 'github', transport: 'tcp' },
      session_id: '191c4850af6c49e08843a3f6c80e5046',
      request_id: '42',
      trace_id: '5b8efff798038103d269b633813fc60c',
      client: { name: 'claude-code', version: '1.0.33' },
      user: { id: 'alice@example.com' },
      source_ip: '10.3.0.17',
      arguments: { repo: 'acme/payments', query: 'label:bug' },
      result: { isError: false },
      status: 'success',
      duration_ms: 87.5,
      attributes: { 'client.port': 53211, resource: { 'service.name': 'mcp-gateway' } },
    })
  })

  it('maps error.type: tool_error, a JSON-RPC code, an HTTP denial', () => {
    expect(events[1]).toMatchObject({ status: 'error', error: { data: { type: 'tool_error' } } })
    expect(events[2]).toMatchObject({
      status: 'error',
      resource_uri: 'file:///srv/missing.txt',
      error: { code: -32002, message: 'Resource not found' },
    })
    expect(events[3]).toMatchObject({ status: 'denied', decision: 'deny', tool: 'drop_table' })
    expect(events[3]?.error).not.toHaveProperty('code')
  })

  it('maps a prompt and reads agentgateway access logs exported over OTLP with their own keys', () => {
    expect(events[4]).toMatchObject({ prompt: 'code_review', status: 'success' })
    expect(events[5]).toMatchObject({
      tool: 'echo',
      server: { name: 'everything' },
      user: { id: 'carol@example.com' },
      source_ip: '172.18.0.1',
      duration_ms: 3,
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    })
  })

  it('rejects a body without resourceLogs', () => {
    expect(otlpAdapter.adapt({ resourceSpans: [] }, TEST_CONTEXT)).toMatchObject({
      kind: 'invalid',
      path: 'resourceLogs',
    })
  })
})
