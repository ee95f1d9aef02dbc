import { isoUs } from '../clock.js'
import type { SimCall } from '../types.js'
import { endUs, primitiveOf, resultOf, type Encoder } from './shared.js'

function httpStatus(call: SimCall): number {
  if (call.outcome.kind === 'denied') return 403
  if (call.outcome.kind === 'timeout') return 504
  return 200
}

/**
 * agentgateway's JSON access log (`logging.format: json`, crates/agentgateway/src/telemetry/log.rs) with
 * the conventional CEL fields for arguments, results and MCP errors, and the gateway's extra fields
 * (`tool_definition_hash`, simulator marks) as top-level keys, which the collector keeps as attributes.
 */
export const encodeAgentgateway: Encoder = (call) => {
  const primitive = primitiveOf(call.method)
  const name = call.tool ?? call.resourceUri ?? call.prompt
  const status = httpStatus(call)
  const record: Record<string, unknown> = {
    level: 'info',
    time: isoUs(endUs(call)),
    scope: 'request',
    gateway: `${call.tenant}/${call.gateway.name}`,
    listener: 'mcp',
    route: `${call.tenant}/mcp`,
    'src.addr': `${call.sourceIp}:${call.sourcePort}`,
    'http.method': 'POST',
    'http.host': `mcp.${call.tenant}.example`,
    'http.path': '/mcp',
    'http.version': 'HTTP/1.1',
    'http.status': status,
    'trace.id': call.traceId,
    'span.id': call.spanId,
    protocol: 'mcp',
    'mcp.method.name': call.method,
    'mcp.protocol.version': call.protocolVersion,
    'jsonrpc.request.id': String(call.requestId),
    'mcp.target': call.server.name,
    duration: `${Math.max(0, Math.round(call.durationMs))}ms`,
  }
  if (call.user) record['jwt.sub'] = call.user.id
  if (call.sessionId) record['mcp.session.id'] = call.sessionId
  if (primitive && name) {
    record['mcp.resource.type'] = primitive
    record['mcp.resource.name'] = name
  }
  if (call.tool) {
    record['gen_ai.operation.name'] = 'execute_tool'
    record['gen_ai.tool.name'] = call.tool
    record['mcp.tool.arguments'] = call.params?.arguments
  }
  // The CEL field captures the JSON-RPC result of any method (a tools/list result is what a rug pull changes).
  const result = resultOf(call)
  if (result) record['mcp.tool.result'] = result
  if (call.prompt) record['gen_ai.prompt.name'] = call.prompt
  if (call.outcome.kind === 'rpc_error') {
    record['mcp.error.code'] = call.outcome.code
    record['mcp.error.message'] = call.outcome.message
  }
  if (call.outcome.kind === 'denied') {
    record.reason = 'Authorization'
    record['error.type'] = '403'
  }
  if (call.outcome.kind === 'timeout') {
    record.reason = 'Timeout'
    record['error.type'] = '504'
  }
  Object.assign(record, call.attributes)
  return [{ record, events: 1 }]
}
