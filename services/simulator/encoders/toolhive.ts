import { isoMs, isoUs } from '../clock.js'
import type { SimCall } from '../types.js'
import { byteLength, endUs, jsonRpcRequest, jsonRpcResponse, type Encoder } from './shared.js'

/** MCP method → ToolHive event type (stacklok/toolhive pkg/audit/auditor.go). */
const EVENT_TYPE: Record<string, string> = {
  initialize: 'mcp_initialize',
  'tools/call': 'mcp_tool_call',
  'tools/list': 'mcp_tools_list',
  'resources/read': 'mcp_resource_read',
  'prompts/get': 'mcp_prompt_get',
}

function outcomeOf(call: SimCall): string {
  switch (call.outcome.kind) {
    case 'success':
    case 'tool_error':
      return 'success'
    case 'rpc_error':
      return 'application_error'
    case 'timeout':
      return 'failure'
    case 'denied':
      return 'denied'
  }
}

function target(call: SimCall): Record<string, unknown> {
  const base = { endpoint: '/mcp', method: call.method }
  if (call.tool) return { ...base, type: 'tool', name: call.tool }
  if (call.resourceUri) return { ...base, type: 'resource', name: call.resourceUri }
  if (call.prompt) return { ...base, type: 'prompt', name: call.prompt }
  return { ...base, type: 'endpoint' }
}

/**
 * ToolHive's audit logger (slog JSON, `pkg/audit/event.go` LogTo) with request and response data
 * capture on. Tool errors are `success` at the transport level; the captured result says `isError`.
 */
export const encodeToolhive: Encoder = (call) => {
  const end = endUs(call)
  const response =
    call.outcome.kind === 'denied' || call.outcome.kind === 'timeout' ? undefined : jsonRpcResponse(call)
  const extra: Record<string, unknown> = {
    duration_ms: Math.round(call.durationMs),
    transport: 'streamable-http',
    response_size_bytes: byteLength(response),
  }
  if (call.outcome.kind === 'rpc_error') {
    extra.jsonrpc_error_code = call.outcome.code
    extra.jsonrpc_error_message = call.outcome.message
  }
  if (call.outcome.kind === 'timeout') extra.jsonrpc_error_message = 'context deadline exceeded'
  const sourceExtra: Record<string, unknown> = { user_agent: call.userAgent, request_id: call.spanId }
  if (call.sessionId) sourceExtra.session_id = call.sessionId
  const subjects: Record<string, unknown> = call.user
    ? { user_id: call.user.id, user: call.user.displayName }
    : { user: 'anonymous' }
  if (call.client) {
    subjects.client_name = call.client.name
    subjects.client_version = call.client.version
  }
  const record = {
    time: isoMs(end),
    level: 'INFO+2',
    msg: 'audit_event',
    audit_id: call.eventId,
    type: EVENT_TYPE[call.method] ?? 'mcp_request',
    logged_at: isoUs(end),
    outcome: outcomeOf(call),
    component: call.server.name,
    source: { type: 'network', value: call.sourceIp, extra: sourceExtra },
    subjects,
    target: target(call),
    metadata: { extra },
    data: { request: jsonRpcRequest(call), ...(response ? { response } : {}) },
  }
  return [{ record, events: 1 }]
}
