import {
  compact,
  deriveStatus,
  durationMs,
  errorFrom,
  hostOf,
  httpSignals,
  invalid,
  isObject,
  isToolError,
  looksLikeTimeout,
  num,
  ok,
  parseJson,
  requestId,
  rest,
  scrubCredentials,
  serverName,
  text,
  toTimestamp,
  UNKNOWN,
  type JsonObject,
} from './shared.js'
import { semconvTransport, transportFields } from './transport.js'
import type { GatewayAdapter } from './types.js'

/**
 * `reason` values (agentgateway ProxyResponseReason) that mean the gateway refused the request by
 * policy: authentication, authorization, guardrails, rate limits.
 */
const DENY_REASONS = new Set([
  'JwtAuth',
  'BasicAuth',
  'APIKeyAuth',
  'ExtAuth',
  'Oidc',
  'Authorization',
  'Guardrail',
  'RateLimit',
])

const MCP_KEYS = ['mcp.method.name', 'mcp.method', 'mcp.target', 'gen_ai.tool.name'] as const
const ACCESS_LOG_KEYS = ['time', 'src.addr', 'http.status', ...MCP_KEYS] as const

/** Keys mapped onto generic fields; every other key (including CEL-added fields) stays in `attributes`. */
const CONSUMED: ReadonlySet<string> = new Set([
  'time',
  'request.id',
  'mcp.method',
  'mcp.method.name',
  'jsonrpc.request.id',
  'mcp.target',
  'mcp.resource',
  'mcp.resource.type',
  'mcp.resource.name',
  'mcp.resource.uri',
  'mcp.tool.name',
  'gen_ai.tool.name',
  'gen_ai.prompt.name',
  'mcp.session.id',
  'jwt.sub',
  'src.addr',
  'trace.id',
  'duration',
  'mcp.tool.arguments',
  'mcp.tool.result',
  'mcp.tool.error',
  'mcp.error.code',
  'mcp.error.message',
])

function errorOf(record: JsonObject): JsonObject | undefined {
  const message = text(record['mcp.error.message']) ?? text(record['mcp.tool.error']) ?? text(record.error)
  const errorType = text(record['error.type'])
  return (
    errorFrom(record['mcp.error.code'], message, errorType ? { type: errorType } : undefined) ??
    (errorType ? { data: { type: errorType } } : undefined)
  )
}

/**
 * `agentgateway`: the JSON access log (crates/agentgateway/src/telemetry/log.rs): one record per HTTP
 * request with dotted keys, `time` as RFC 3339, `duration` as `"<n>ms"`, `src.addr` as `ip:port`.
 * Older releases wrote `mcp.method` and `mcp.resource.name` instead of `mcp.method.name` and
 * `gen_ai.tool.name`; both are read. Arguments, results and MCP error codes appear only when added as CEL
 * fields (`mcp.tool.arguments`, `mcp.tool.result`, `mcp.error.code`, …).
 */
export const agentgatewayAdapter: GatewayAdapter = {
  format: 'agentgateway',

  detect(record) {
    if (!isObject(record) || 'start_time' in record) return false
    const hasMcp = MCP_KEYS.some((key) => key in record)
    return (
      hasMcp && ('src.addr' in record || record.scope === 'request' || typeof record.duration === 'string')
    )
  },

  adapt(record, ctx) {
    if (!isObject(record)) return invalid('', 'expected an agentgateway access log object')
    if (!ACCESS_LOG_KEYS.some((key) => key in record)) {
      return invalid(
        '',
        'not an agentgateway access log: none of `time`, `src.addr`, `http.status`, `mcp.*` is present',
      )
    }
    const method = text(record['mcp.method.name']) ?? text(record['mcp.method']) ?? UNKNOWN
    const resourceType = text(record['mcp.resource.type']) ?? text(record['mcp.resource'])
    const resourceName = text(record['mcp.resource.name'])
    const toolName =
      text(record['gen_ai.tool.name']) ??
      text(record['mcp.tool.name']) ??
      (resourceType === 'tool' ? resourceName : undefined)
    const result = parseJson(record['mcp.tool.result'])
    const error = errorOf(record)
    const reason = text(record.reason)
    const http = httpSignals(num(record['http.status']) ?? num(record['http.response.status_code']))
    const success = record['mcp.success']
    const status = deriveStatus({
      denied: (reason !== undefined && DENY_REASONS.has(reason)) || http.denied,
      timeout: reason === 'Timeout' || http.timeout || looksLikeTimeout(error?.message),
      failed: http.failed || error !== undefined || success === false || isToolError(result),
      completed: http.completed || success === true,
    })
    const timestamp = toTimestamp(record.time)
    const subject = text(record['jwt.sub'])
    // Keys a CEL-customised access log may add (`cloud.region`, `url.scheme`, `server.address`).
    const transport = transportFields(semconvTransport(record))

    const event = compact({
      event_id: text(record['request.id']),
      timestamp: timestamp ?? record.time ?? ctx.receivedAt,
      method,
      server: { name: serverName(ctx, record['mcp.target']) },
      tool: toolName ?? (method === 'tools/call' ? UNKNOWN : undefined),
      prompt: text(record['gen_ai.prompt.name']) ?? (resourceType === 'prompt' ? resourceName : undefined),
      resource_uri:
        text(record['mcp.resource.uri']) ?? (resourceType === 'resource' ? resourceName : undefined),
      session_id: text(record['mcp.session.id']),
      request_id: requestId(record['jsonrpc.request.id']),
      trace_id: text(record['trace.id']),
      user: subject ? { id: subject, auth_method: 'jwt' } : undefined,
      source_ip: hostOf(record['src.addr']),
      arguments: parseJson(record['mcp.tool.arguments']),
      result,
      status,
      error: status === 'success' ? undefined : error,
      duration_ms: durationMs(record.duration),
      decision: status === 'denied' ? 'deny' : undefined,
      ...transport.event,
      attributes: {
        ...transport.attributes,
        ...(scrubCredentials(rest(record, CONSUMED)) as JsonObject),
        ...(record.time === undefined ? { timestamp_source: 'received_at' } : {}),
      },
    })
    return ok([event])
  },
}
