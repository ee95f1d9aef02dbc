import { isoMs } from '../clock.js'
import type { SimCall } from '../types.js'
import { byteLength, jsonRpcRequest, jsonRpcResponse, type Encoder } from './shared.js'

function response(call: SimCall): { code: number; flags: string; details: string } {
  if (call.outcome.kind === 'denied') return { code: 403, flags: 'UAEX', details: 'ext_authz_denied' }
  if (call.outcome.kind === 'timeout') return { code: 504, flags: 'UT', details: 'upstream_response_timeout' }
  return { code: 200, flags: '-', details: 'via_upstream' }
}

/**
 * Envoy AI Gateway's MCP access log in its semconv-keyed format (accesslogs-envoy-proxy-mcp.yaml), with
 * `mcp.tool.name` from the gateway's dynamic metadata. Envoy logs no user, arguments or results, and a
 * JSON-RPC or tool error rides an HTTP 200: only denials and timeouts show.
 */
export const encodeEnvoy: Encoder = (call) => {
  const { code, flags, details } = response(call)
  const upstream = Math.max(0, Math.round(call.durationMs) - 1)
  const record: Record<string, unknown> = {
    start_time: isoMs(call.timeUs),
    method: 'POST',
    'x-envoy-origin-path': '/mcp',
    protocol: 'HTTP/1.1',
    response_code: code,
    response_flags: flags,
    response_code_details: details,
    bytes_received: byteLength(jsonRpcRequest(call)),
    bytes_sent: byteLength(jsonRpcResponse(call)),
    duration: Math.round(call.durationMs),
    'x-envoy-upstream-service-time': code === 200 ? String(upstream) : null,
    'x-forwarded-for': call.sourceIp,
    'user-agent': call.userAgent,
    'x-request-id': call.eventId,
    ':authority': `mcp.${call.tenant}.example`,
    upstream_host:
      code === 200
        ? `10.96.${call.server.name.length % 250}.${(call.server.version.length * 17) % 250}:8080`
        : null,
    upstream_cluster: `httproute/${call.tenant}/mcp-${call.server.name}/rule/0`,
    downstream_remote_address: `10.0.0.8:${call.sourcePort}`,
    'mcp.method.name': call.method,
    'mcp.provider.name': call.server.name,
    'jsonrpc.request.id': String(call.requestId),
    'mcp.session.id': call.sessionId,
    'mcp.tool.name': call.tool ?? null,
  }
  Object.assign(record, call.attributes)
  return [{ record, events: 1 }]
}
