import {
  clientAddress,
  compact,
  deriveStatus,
  errorFrom,
  httpSignals,
  invalid,
  isObject,
  num,
  ok,
  requestId,
  rest,
  scrubCredentials,
  serverName,
  text,
  toTimestamp,
  UNKNOWN,
  type JsonObject,
} from './shared.js'
import { envoyTransport, mergeFacts, semconvTransport, transportFields } from './transport.js'
import type { GatewayAdapter } from './types.js'

/**
 * MCP fields in Envoy AI Gateway access logs. The docs show both the semconv-style keys
 * (`accesslogs-envoy-proxy-mcp.yaml`) and the older `mcp_*` keys (`accesslogs.md`); each pair is read.
 */
const KEYS = {
  method: ['mcp.method.name', 'mcp_method'],
  requestId: ['jsonrpc.request.id', 'mcp_request_id'],
  session: ['mcp.session.id', 'mcp_session_id', 'session.id'],
  backend: ['mcp.provider.name', 'mcp_backend', 'mcp.backend.name'],
  tool: ['mcp.tool.name', 'mcp_tool_name', 'gen_ai.tool.name'],
} as const

const MCP_MARKERS = [...KEYS.method, ...KEYS.requestId, ...KEYS.backend] as const

const CONSUMED: ReadonlySet<string> = new Set([
  ...Object.values(KEYS).flat(),
  'start_time',
  'time',
  'duration',
  'duration_ms',
  'x-request-id',
  'downstream_remote_address',
  'x-forwarded-for',
  'user-agent',
])

/** Envoy %RESPONSE_FLAGS% (comma-separated) that mean a timeout, a refusal, or a failed upstream. */
const TIMEOUT_FLAGS = new Set(['UT', 'SI', 'DT'])
const DENY_FLAGS = new Set(['UAEX', 'RL', 'RLSE'])
const FAILURE_FLAGS = new Set(['UF', 'UH', 'UO', 'NR', 'URX', 'UC', 'LH', 'LR', 'UPE', 'DPE', 'UMSDR', 'OM'])

function pickText(record: JsonObject, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(record[key])
    if (value) return value
  }
  return undefined
}

function flagsOf(record: JsonObject): string[] {
  return (text(record.response_flags) ?? '')
    .split(',')
    .map((flag) => flag.trim())
    .filter((flag) => flag !== '')
}

/**
 * `envoy`: Envoy AI Gateway MCP access log (envoyproxy/ai-gateway site/docs/capabilities/observability/
 * accesslogs.md): Envoy's JSON access log with the gateway's MCP dynamic metadata. `start_time` is
 * RFC 3339, `duration` is milliseconds, `downstream_remote_address` is `ip:port`. The log has no user
 * and, unless `mcp.tool.name` was added to the format, no tool name (then recorded as `unknown`).
 */
export const envoyAdapter: GatewayAdapter = {
  format: 'envoy',

  detect(record) {
    return isObject(record) && 'start_time' in record && MCP_MARKERS.some((key) => key in record)
  },

  adapt(record, ctx) {
    if (!isObject(record)) return invalid('', 'expected an Envoy access log object')
    if (!('start_time' in record) && !MCP_MARKERS.some((key) => key in record)) {
      return invalid(
        '',
        'not an Envoy AI Gateway MCP access log: neither `start_time` nor an MCP field is present',
      )
    }
    const method = pickText(record, KEYS.method) ?? UNKNOWN
    const flags = flagsOf(record)
    const http = httpSignals(num(record.response_code))
    const status = deriveStatus({
      denied: flags.some((flag) => DENY_FLAGS.has(flag)) || http.denied,
      timeout: flags.some((flag) => TIMEOUT_FLAGS.has(flag)) || http.timeout,
      failed: flags.some((flag) => FAILURE_FLAGS.has(flag)) || http.failed,
      completed: http.completed,
    })
    const details = text(record.response_code_details)
    const time = record.start_time ?? record.time
    const transport = transportFields(mergeFacts(envoyTransport(record), semconvTransport(record)))

    const event = compact({
      event_id: text(record['x-request-id']),
      timestamp: toTimestamp(time) ?? time ?? ctx.receivedAt,
      method,
      server: { name: serverName(ctx, pickText(record, KEYS.backend)) },
      tool: pickText(record, KEYS.tool) ?? (method === 'tools/call' ? UNKNOWN : undefined),
      session_id: pickText(record, KEYS.session),
      request_id: requestId(record['jsonrpc.request.id']) ?? requestId(record.mcp_request_id),
      source_ip: clientAddress(record['x-forwarded-for'], record.downstream_remote_address),
      user_agent: text(record['user-agent']),
      status,
      error:
        status === 'success' || status === undefined
          ? undefined
          : errorFrom(undefined, details, {
              response_code: num(record.response_code),
              response_flags: flags,
            }),
      duration_ms: num(record.duration) ?? num(record.duration_ms),
      decision: status === 'denied' ? 'deny' : undefined,
      ...transport.event,
      attributes: {
        ...transport.attributes,
        ...(scrubCredentials(rest(record, CONSUMED)) as JsonObject),
        ...(time === undefined ? { timestamp_source: 'received_at' } : {}),
      },
    })
    return ok([event])
  },
}
