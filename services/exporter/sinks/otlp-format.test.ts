import { describe, expect, it } from 'vitest'
import { storedEventFixture as storedEvent } from '../../../test/helpers/stored-event.js'
import type { StoredEvent } from '../read.js'
import { toExportEvent } from '../record.js'
import { otlpEndpoint, otlpRequest, partialSuccessOf, type AnyValue, type LogRecord } from './otlp-format.js'

const record = (changes: Partial<StoredEvent> = {}) => toExportEvent(storedEvent(changes))

function attributesOf(log: LogRecord): Record<string, AnyValue> {
  return Object.fromEntries(log.attributes.map(({ key, value }) => [key, value]))
}

function onlyLog(changes: Partial<StoredEvent> = {}): LogRecord {
  const [resource] = otlpRequest([record(changes)]).resourceLogs
  return resource!.scopeLogs[0]!.logRecords[0]!
}

describe('otlpEndpoint', () => {
  it('adds /v1/logs to a bare collector URL and keeps a path of its own', () => {
    expect(otlpEndpoint('https://otel.example:4318')).toBe('https://otel.example:4318/v1/logs')
    expect(otlpEndpoint('https://otel.example:4318/')).toBe('https://otel.example:4318/v1/logs')
    expect(otlpEndpoint('https://gw.example/otlp/v1/logs')).toBe('https://gw.example/otlp/v1/logs')
  })
})

describe('otlpRequest', () => {
  it('maps a tool call to a log record with the MCP and GenAI attributes, in OTLP JSON', () => {
    const log = onlyLog({
      session_id: 's_9a1e',
      user_agent: 'claude-desktop/1.4',
      attributes: { local_hour: '11', 'server.address': 'fs.internal' },
    })
    expect(log).toMatchObject({
      timeUnixNano: '1795514400123000000',
      observedTimeUnixNano: '1795514400350000000',
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'mcp.audit.event',
      body: { stringValue: 'tools/call read_file on filesystem: success in 13 ms' },
    })
    expect(log.traceId).toBeUndefined()
    expect(attributesOf(log)).toMatchObject({
      'log.record.uid': { stringValue: '3f1c9a52-7c1e-4d7e-9a5b-0d6f5c1e2a11' },
      'mcp.method.name': { stringValue: 'tools/call' },
      'gen_ai.operation.name': { stringValue: 'execute_tool' },
      'gen_ai.tool.name': { stringValue: 'read_file' },
      'mcp.session.id': { stringValue: 's_9a1e' },
      'jsonrpc.request.id': { stringValue: '7' },
      'server.address': { stringValue: 'fs.internal' },
      'network.transport': { stringValue: 'pipe' },
      'client.address': { stringValue: '10.1.2.3' },
      'user_agent.original': { stringValue: 'claude-desktop/1.4' },
      'user.id': { stringValue: 'u_5c2f' },
      'mcp_audit.user.roles': { arrayValue: { values: [{ stringValue: 'mcp-developer' }] } },
      'mcp_audit.decision': { stringValue: 'allow' },
      'mcp_audit.tls': { boolValue: true },
      'mcp_audit.duration_ms': { doubleValue: 12.5 },
      'mcp_audit.arguments.excerpt': { stringValue: '{"path":"/data/[EMAIL]"}' },
      'mcp_audit.arguments.bytes': { intValue: '31' },
      'mcp_audit.redaction.count': { intValue: '3' },
      'mcp_audit.redaction.findings.EMAIL': { intValue: '1' },
      'mcp_audit.redaction.findings.PHONE': { intValue: '2' },
      'mcp_audit.content_hash': { stringValue: 'ab'.repeat(32) },
      'mcp_audit.position.partition': { intValue: '2' },
      'mcp_audit.position.offset': { intValue: '1234' },
      'mcp_audit.attributes.local_hour': { stringValue: '11' },
    })
  })

  it('leaves out what is absent, and the tool attributes on other methods', () => {
    const attributes = attributesOf(
      onlyLog({ method: 'resources/read', tool: '', resource_uri: 'file:///a' }),
    )
    expect(attributes['mcp.resource.uri']).toEqual({ stringValue: 'file:///a' })
    for (const key of ['gen_ai.operation.name', 'gen_ai.tool.name', 'mcp.session.id', 'error.type']) {
      expect(attributes).not.toHaveProperty([key])
    }
    expect(Object.values(attributes)).not.toContainEqual({ stringValue: '' })
  })

  it('sets severity and error.type from the outcome', () => {
    const toolError = onlyLog({
      status: 'error',
      error_class: 'tool_error',
      error_code: -32000,
      error_message: 'x',
    })
    expect(toolError).toMatchObject({ severityNumber: 17, severityText: 'ERROR' })
    expect(attributesOf(toolError)['error.type']).toEqual({ stringValue: 'tool_error' })
    expect(toolError.body.stringValue).toBe('tools/call read_file on filesystem: error (tool_error) in 13 ms')

    const serverError = onlyLog({ status: 'error', error_class: 'server_error', error_code: -32603 })
    expect(attributesOf(serverError)['error.type']).toEqual({ stringValue: '-32603' })
    expect(attributesOf(serverError)['mcp_audit.error.code']).toEqual({ intValue: '-32603' })

    const denied = onlyLog({ status: 'denied', error_class: 'denied', decision: 'deny' })
    expect(denied).toMatchObject({ severityNumber: 13, severityText: 'WARN' })
    expect(attributesOf(denied)['error.type']).toEqual({ stringValue: 'denied' })
  })

  it('puts a W3C trace id in traceId (hex) and anything else in an attribute', () => {
    expect(onlyLog({ trace_id: '5B8EFFF798038103D269B633813FC60C' }).traceId).toBe(
      '5b8efff798038103d269b633813fc60c',
    )
    const other = onlyLog({ trace_id: 'req-42' })
    expect(other.traceId).toBeUndefined()
    expect(attributesOf(other)['mcp_audit.trace_id']).toEqual({ stringValue: 'req-42' })
    expect(onlyLog({ trace_id: '0'.repeat(32) }).traceId).toBeUndefined()
  })

  it('groups a batch by tenant, one resource each, with the export schema on the scope', () => {
    const request = otlpRequest([
      record({ event_id: 'a1' }),
      record({ tenant_id: 'globex', event_id: 'g1' }),
      record({ event_id: 'a2' }),
    ])
    expect(request.resourceLogs).toHaveLength(2)
    const [acme, globex] = request.resourceLogs
    expect(acme!.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'mcp-audit' } },
      { key: 'mcp_audit.tenant.id', value: { stringValue: 'acme' } },
    ])
    expect(acme!.scopeLogs[0]!.scope).toEqual({
      name: 'mcp-audit',
      version: '1',
      attributes: [{ key: 'mcp_audit.export.schema', value: { stringValue: 'mcp-audit.export' } }],
    })
    const uids = (resource: typeof acme) =>
      resource!.scopeLogs[0]!.logRecords.map((log) => attributesOf(log)['log.record.uid'])
    expect(uids(acme)).toEqual([{ stringValue: 'a1' }, { stringValue: 'a2' }])
    expect(uids(globex)).toEqual([{ stringValue: 'g1' }])
  })
})

describe('partialSuccessOf', () => {
  it('reads rejected records (an int64 as a string or a number) and the message', () => {
    expect(
      partialSuccessOf('{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"attributes too long"}}'),
    ).toEqual({ rejected: 2, message: 'attributes too long' })
    expect(partialSuccessOf('{"partialSuccess":{"rejectedLogRecords":5}}')).toEqual({
      rejected: 5,
      message: '',
    })
  })

  it('keeps a warning that rejects nothing', () => {
    expect(partialSuccessOf('{"partialSuccess":{"errorMessage":"deprecated field"}}')).toEqual({
      rejected: 0,
      message: 'deprecated field',
    })
  })

  it('treats an empty answer, {} and a non-JSON body as full success', () => {
    for (const body of ['', '{}', '{"partialSuccess":{}}', '<html>ok</html>', 'null']) {
      expect(partialSuccessOf(body)).toBeUndefined()
    }
  })
})
