import { unixNanos } from '../clock.js'
import type { SimCall } from '../types.js'
import { endUs, resultOf, type Encoder } from './shared.js'

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number }
type KeyValue = { key: string; value: AnyValue }

function attribute(
  key: string,
  value: string | number | undefined | null,
  kind: 'string' | 'int' | 'double' = 'string',
): KeyValue[] {
  if (value === undefined || value === null) return []
  if (kind === 'int') return [{ key, value: { intValue: String(value) } }]
  if (kind === 'double') return [{ key, value: { doubleValue: Number(value) } }]
  return [{ key, value: { stringValue: String(value) } }]
}

function severity(call: SimCall): { number: number; text: string } {
  if (call.outcome.kind === 'success') return { number: 9, text: 'INFO' }
  if (call.outcome.kind === 'tool_error' || call.outcome.kind === 'denied')
    return { number: 13, text: 'WARN' }
  return { number: 17, text: 'ERROR' }
}

function errorType(call: SimCall): string | undefined {
  switch (call.outcome.kind) {
    case 'tool_error':
      return 'tool_error'
    case 'rpc_error':
      return String(call.outcome.code)
    case 'timeout':
      return 'timeout'
    case 'denied':
      return '403'
    default:
      return undefined
  }
}

/** One log record with the OTel GenAI/MCP semantic-convention attributes (semantic-conventions-genai model/mcp). */
export function otlpLogRecord(call: SimCall): Record<string, unknown> {
  const sev = severity(call)
  const result = call.method === 'tools/call' ? resultOf(call) : undefined
  const outcome = call.outcome
  const attributes: KeyValue[] = [
    ...attribute('mcp.method.name', call.method),
    ...(call.tool ? attribute('gen_ai.operation.name', 'execute_tool') : []),
    ...attribute('gen_ai.tool.name', call.tool),
    ...attribute('gen_ai.prompt.name', call.prompt),
    ...attribute('mcp.resource.uri', call.resourceUri),
    ...attribute('mcp.server.name', call.server.name),
    ...attribute('mcp.server.version', call.server.version),
    ...attribute('network.transport', call.server.transport),
    ...attribute('mcp.session.id', call.sessionId),
    ...attribute('jsonrpc.request.id', String(call.requestId)),
    ...attribute('mcp.protocol.version', call.protocolVersion),
    ...attribute('client.address', call.sourceIp),
    ...attribute('client.port', call.sourcePort, 'int'),
    ...attribute('enduser.id', call.user?.id),
    ...attribute('mcp.client.name', call.client?.name),
    ...attribute('mcp.client.version', call.client?.version),
    ...attribute('user_agent.original', call.userAgent),
    ...(call.tool
      ? attribute('gen_ai.tool.call.arguments', JSON.stringify(call.params?.arguments ?? {}))
      : []),
    ...(result ? attribute('gen_ai.tool.call.result', JSON.stringify(result)) : []),
    ...attribute('error.type', errorType(call)),
    ...(outcome.kind === 'rpc_error' ? attribute('rpc.response.status_code', outcome.code, 'int') : []),
    ...(outcome.kind === 'rpc_error' || outcome.kind === 'denied' || outcome.kind === 'timeout'
      ? attribute('error.message', outcome.message)
      : []),
    ...attribute('duration_ms', call.durationMs, 'double'),
    ...attribute('log.record.uid', call.eventId),
    ...Object.entries(call.attributes).flatMap(([key, value]) => attribute(key, value)),
  ]
  return {
    timeUnixNano: unixNanos(endUs(call)),
    observedTimeUnixNano: unixNanos(endUs(call) + 1_500),
    severityNumber: sev.number,
    severityText: sev.text,
    body: { stringValue: call.tool ? `${call.method} ${call.tool}` : call.method },
    attributes,
    traceId: call.traceId,
    spanId: call.spanId,
  }
}

export function otlpBody(gateway: string, tenant: string, logRecords: unknown[]): Record<string, unknown> {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            ...attribute('service.name', gateway),
            ...attribute('service.namespace', tenant),
            ...attribute('service.version', '2.4.1'),
            ...attribute('deployment.environment.name', 'production'),
          ],
        },
        scopeLogs: [
          { scope: { name: 'io.modelcontextprotocol.gateway.audit', version: '1.0.0' }, logRecords },
        ],
      },
    ],
  }
}

/** One OTLP/HTTP JSON body per call; the sender merges the bodies of one batch into one request. */
export const encodeOtlp: Encoder = (call) => [
  { record: otlpBody(call.gateway.name, call.tenant, [otlpLogRecord(call)]), events: 1 },
]
