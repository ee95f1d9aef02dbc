import type { SimCall } from '../types.js'
import {
  byteLength,
  jsonRpcRequest,
  jsonRpcResponse,
  primitiveOf,
  stableUuid,
  type Encoder,
} from './shared.js'

function httpStatus(call: SimCall): number {
  if (call.outcome.kind === 'denied') return 403
  if (call.outcome.kind === 'timeout') return 504
  return 200
}

/**
 * A Kong log-plugin entry (http-log) with the AI MCP Proxy's `ai.mcp` object and payload logging on.
 * A call the ACL refused appears only in `audit` (Kong does not proxy it, so there is no `rpc` item).
 */
export const encodeKong: Encoder = (call) => {
  const status = httpStatus(call)
  const host = `mcp.${call.tenant}.example`
  const path = `/mcp/${call.server.name}`
  const requestId = call.eventId.replace(/-/g, '')
  const request = jsonRpcRequest(call)
  const response = status === 200 ? jsonRpcResponse(call) : undefined
  const total = Math.max(1, Math.round(call.durationMs))
  const kongLatency = Math.min(total, 1 + (call.requestId.toString().length % 3))
  const primitive = primitiveOf(call.method)
  const denied = call.outcome.kind === 'denied'
  const consumer = call.user
    ? {
        id: stableUuid(`${call.tenant}/consumer/${call.user.id}`),
        username: call.user.id,
        created_at: 1_726_782_400,
      }
    : undefined
  const mcp: Record<string, unknown> = {}
  if (call.sessionId) mcp.mcp_session_id = call.sessionId
  if (!denied) {
    mcp.rpc = [
      {
        method: call.method,
        latency: total - kongLatency,
        id: String(call.requestId),
        response_body_size: byteLength(response),
        ...(call.tool ? { tool_name: call.tool } : {}),
        payload: {
          request: JSON.stringify(request),
          ...(response ? { response: JSON.stringify(response) } : {}),
        },
      },
    ]
  }
  if (primitive) {
    mcp.audit = [
      {
        primitive_name: call.tool ?? call.resourceUri ?? call.prompt,
        ...(consumer
          ? { consumer: { id: consumer.id, name: consumer.username, identifier: 'consumer' } }
          : {}),
        scope: 'primitive',
        primitive,
        action: denied ? 'deny' : 'allow',
      },
    ]
  }
  const record: Record<string, unknown> = {
    request: {
      id: requestId,
      method: 'POST',
      uri: path,
      url: `https://${host}:443${path}`,
      size: byteLength(request),
      querystring: {},
      headers: {
        host,
        ...(call.userAgent ? { 'user-agent': call.userAgent } : {}),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(call.sessionId ? { 'mcp-session-id': call.sessionId } : {}),
      },
    },
    response: {
      status,
      size: byteLength(response),
      headers: {
        'content-type': 'application/json',
        'x-kong-request-id': requestId,
        via: '1.1 kong/3.13.0.0-enterprise-edition',
      },
    },
    route: {
      id: stableUuid(`${call.tenant}/route/${call.server.name}`),
      name: `${call.server.name}-mcp`,
      paths: [path],
      protocols: ['http', 'https'],
    },
    service: {
      id: stableUuid(`${call.tenant}/service/${call.server.name}`),
      name: call.server.name,
      host: `${call.server.name}.mcp.svc.cluster.local`,
      port: 8080,
      protocol: 'http',
    },
    latencies: { request: total, kong: kongLatency, proxy: denied ? -1 : total - kongLatency, receive: 0 },
    client_ip: call.sourceIp,
    upstream_uri: '/mcp',
    started_at: Math.floor(call.timeUs / 1000),
    source: denied ? 'kong' : 'upstream',
    workspace: stableUuid(`${call.tenant}/workspace`),
    workspace_name: 'default',
    ai: { mcp },
    ...(consumer
      ? { consumer, authenticated_entity: { id: stableUuid(`${call.tenant}/credential/${call.user!.id}`) } }
      : {}),
  }
  return [{ record, events: 1 }]
}
