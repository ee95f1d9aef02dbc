import { isoMs } from '../clock.js'
import type { SimCall } from '../types.js'
import { argumentsOf, errorOf, resultOf, statusOf, type Encoder } from './shared.js'

/** The generic event of DESIGN.md, every field the simulator knows filled in. */
export function genericEvent(call: SimCall): Record<string, unknown> {
  const status = statusOf(call)
  return {
    event_id: call.eventId,
    timestamp: isoMs(call.timeUs),
    method: call.method,
    server: call.server,
    tool: call.tool ?? null,
    resource_uri: call.resourceUri ?? null,
    prompt: call.prompt ?? null,
    session_id: call.sessionId,
    request_id: call.requestId,
    trace_id: call.traceId,
    client: call.client,
    user: call.user ? { id: call.user.id, roles: call.user.roles, auth_method: call.user.authMethod } : null,
    source_ip: call.sourceIp,
    user_agent: call.userAgent,
    arguments: argumentsOf(call) ?? null,
    result: resultOf(call) ?? null,
    status,
    error: errorOf(call) ?? null,
    duration_ms: call.durationMs,
    decision: status === 'denied' ? 'deny' : 'allow',
    data_region: call.dataRegion,
    tls: true,
    attributes: {
      gateway: call.gateway.name,
      mcp_protocol_version: call.protocolVersion,
      ...call.attributes,
    },
  }
}

export const encodeGeneric: Encoder = (call) => [{ record: genericEvent(call), events: 1 }]
