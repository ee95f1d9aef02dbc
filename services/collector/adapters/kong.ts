import {
  compact,
  deriveStatus,
  errorFromRpc,
  httpSignals,
  invalid,
  isObject,
  isToolError,
  looksLikeTimeout,
  num,
  obj,
  ok,
  parseJson,
  PRIMITIVE_METHOD,
  requestId,
  serverName,
  targetFromParams,
  text,
  toTimestamp,
  UNKNOWN,
  type JsonObject,
  type McpPrimitive,
} from './shared.js'
import { kongTransport, transportFields } from './transport.js'
import type { AdapterContext, GatewayAdapter } from './types.js'

function mcpOf(record: JsonObject): JsonObject | undefined {
  return obj(obj(record.ai)?.mcp)
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : []
}

function isPrimitive(value: unknown): value is McpPrimitive {
  return value === 'tool' || value === 'resource' || value === 'prompt'
}

/** Who called: the consumer Kong authenticated, else the consumer named in an access-control entry. */
function userOf(record: JsonObject, audit: JsonObject | undefined): JsonObject | undefined {
  const consumer = obj(record.consumer)
  const auditConsumer = obj(audit?.consumer)
  const id =
    text(consumer?.username) ??
    text(consumer?.custom_id) ??
    text(consumer?.id) ??
    text(auditConsumer?.name) ??
    text(auditConsumer?.id)
  return id ? { id } : undefined
}

/** Fields every event of one Kong log entry shares, and the entry's own request id. */
function shared(record: JsonObject, mcp: JsonObject | undefined, ctx: AdapterContext) {
  const request = obj(record.request) ?? {}
  const response = obj(record.response) ?? {}
  const requestHeaders = obj(request.headers) ?? {}
  const responseHeaders = obj(response.headers) ?? {}
  const kongRequestId =
    text(request.id) ??
    text(responseHeaders['x-kong-request-id']) ??
    text(requestHeaders['x-kong-request-id'])
  const service = obj(record.service)
  const route = obj(record.route)
  const httpStatus = num(response.status)
  const transport = transportFields(kongTransport(service))
  const base = compact({
    timestamp: toTimestamp(record.started_at) ?? ctx.receivedAt,
    server: { name: serverName(ctx, service?.name, route?.name) },
    session_id: text(mcp?.mcp_session_id) ?? text(requestHeaders['mcp-session-id']),
    source_ip: text(record.client_ip),
    user_agent: text(requestHeaders['user-agent']),
    ...transport.event,
  })
  const attributes = compact({
    ...transport.attributes,
    kong_request_id: kongRequestId,
    http_status: httpStatus,
    route: text(route?.name),
    service: text(service?.name),
    workspace: text(record.workspace_name) ?? text(record.workspace),
    upstream_uri: text(record.upstream_uri),
    latencies: record.latencies,
    consumer_id: text(obj(record.consumer)?.id),
    timestamp_source: record.started_at === undefined ? 'received_at' : undefined,
  })
  return { base, attributes, kongRequestId, httpStatus }
}

type Parsed = { rpc: JsonObject; method: string; target: ReturnType<typeof targetFromParams>; name?: string }

function parseRpc(rpc: JsonObject): Parsed {
  const request = obj(parseJson(obj(rpc.payload)?.request))
  const method = text(rpc.method) ?? text(request?.method) ?? UNKNOWN
  const target = targetFromParams(method, request?.params)
  const name =
    method === 'tools/call' ? (text(rpc.tool_name) ?? target.tool) : (target.prompt ?? target.resource_uri)
  return { rpc, method, target, name }
}

function auditMatches(parsed: Parsed, audit: JsonObject): boolean {
  const primitive = audit.primitive
  return (
    isPrimitive(primitive) &&
    PRIMITIVE_METHOD[primitive] === parsed.method &&
    audit.primitive_name === parsed.name
  )
}

function rpcEvent(
  record: JsonObject,
  parsed: Parsed,
  audit: JsonObject | undefined,
  context: ReturnType<typeof shared>,
) {
  const { rpc, method, target } = parsed
  const request = obj(parseJson(obj(rpc.payload)?.request))
  const response = parseJson(obj(rpc.payload)?.response)
  const responseObject = obj(response)
  const isJsonRpc = responseObject && ('result' in responseObject || 'error' in responseObject)
  const result = isJsonRpc ? responseObject.result : response
  const error = errorFromRpc(responseObject?.error) ?? errorFromRpc(rpc.error)
  const http = httpSignals(context.httpStatus)
  const status = deriveStatus({
    denied: audit?.action === 'deny' || http.denied,
    timeout: looksLikeTimeout(error?.message) || http.timeout,
    failed: error !== undefined || isToolError(result) || http.failed,
    completed: true,
  })
  return compact({
    ...context.base,
    method,
    tool: method === 'tools/call' ? (parsed.name ?? UNKNOWN) : undefined,
    prompt: target.prompt,
    resource_uri: target.resource_uri,
    request_id: requestId(rpc.id) ?? requestId(request?.id),
    client: target.client,
    user: userOf(record, audit),
    arguments: target.arguments,
    result,
    status,
    error: status === 'success' ? undefined : error,
    duration_ms: num(rpc.latency),
    decision: audit?.action === 'deny' ? 'deny' : audit?.action === 'allow' ? 'allow' : undefined,
    attributes: compact({ ...context.attributes, response_body_size: num(rpc.response_body_size) }),
  })
}

function deniedEvent(record: JsonObject, audit: JsonObject, context: ReturnType<typeof shared>) {
  const primitive = isPrimitive(audit.primitive) ? audit.primitive : undefined
  const name = text(audit.primitive_name)
  const method = primitive ? PRIMITIVE_METHOD[primitive] : UNKNOWN
  return compact({
    ...context.base,
    method,
    tool: method === 'tools/call' ? (name ?? UNKNOWN) : undefined,
    prompt: primitive === 'prompt' ? name : undefined,
    resource_uri: primitive === 'resource' ? name : undefined,
    user: userOf(record, audit),
    status: 'denied',
    decision: 'deny',
    attributes: compact({
      ...context.attributes,
      acl_scope: text(audit.scope),
      acl_primitive: text(audit.primitive),
    }),
  })
}

/**
 * `kong`: a Kong log-plugin entry (file-log, http-log, …) with the AI MCP Proxy's `ai.mcp` object
 * (Kong/developer.konghq.com app/ai-gateway/ai-audit-log-reference.md). One entry becomes one event per
 * `ai.mcp.rpc[]` item plus one denied event per `ai.mcp.audit[]` deny that has no rpc item (Kong logs a
 * denied call only in `audit`). Event ids are `<kong request id>:rpc:<i>` / `:audit:<i>`.
 */
export const kongAdapter: GatewayAdapter = {
  format: 'kong',

  detect(record) {
    return isObject(record) && mcpOf(record) !== undefined
  },

  adapt(record, ctx) {
    if (!isObject(record)) return invalid('', 'expected a Kong log entry object')
    const mcp = mcpOf(record)
    const context = shared(record, mcp, ctx)
    if (!mcp) {
      // A request the gateway refused before the AI MCP Proxy ran (no consumer): still an access denial.
      if (context.httpStatus === 401 || context.httpStatus === 403) {
        return ok([
          compact({
            ...context.base,
            method: UNKNOWN,
            status: 'denied',
            decision: 'deny',
            attributes: context.attributes,
          }),
        ])
      }
      return invalid(
        'ai.mcp',
        'not a Kong AI MCP log entry: `ai.mcp` is missing (added by the AI MCP Proxy plugin)',
      )
    }

    const audits = objects(mcp.audit)
    const used = new Set<JsonObject>()
    const events: unknown[] = objects(mcp.rpc).map((rpc, index) => {
      const parsed = parseRpc(rpc)
      const audit = audits.find((entry) => !used.has(entry) && auditMatches(parsed, entry))
      if (audit) used.add(audit)
      const event = rpcEvent(record, parsed, audit, context)
      return context.kongRequestId ? { event_id: `${context.kongRequestId}:rpc:${index}`, ...event } : event
    })
    audits.forEach((audit, index) => {
      if (used.has(audit) || audit.action !== 'deny') return
      const event = deniedEvent(record, audit, context)
      events.push(
        context.kongRequestId ? { event_id: `${context.kongRequestId}:audit:${index}`, ...event } : event,
      )
    })
    return ok(events)
  },
}
