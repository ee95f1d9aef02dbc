import {
  compact,
  deriveStatus,
  errorFrom,
  errorFromRpc,
  invalid,
  isObject,
  isToolError,
  num,
  obj,
  ok,
  requestId,
  serverName,
  targetFromParams,
  text,
  toTimestamp,
  UNKNOWN,
  type JsonObject,
} from './shared.js'
import { transportFields, urlTransport } from './transport.js'
import type { GatewayAdapter } from './types.js'

/** ToolHive `type` → MCP method (stacklok/toolhive pkg/audit/auditor.go mapMCPMethodToEventType). */
const TYPE_METHOD: Record<string, string> = {
  mcp_initialize: 'initialize',
  mcp_tool_call: 'tools/call',
  mcp_tools_list: 'tools/list',
  mcp_resource_read: 'resources/read',
  mcp_resources_list: 'resources/list',
  mcp_prompt_get: 'prompts/get',
  mcp_prompts_list: 'prompts/list',
  mcp_notification: 'notifications/message',
  mcp_ping: 'ping',
  mcp_logging: 'logging/setLevel',
  mcp_completion: 'completion/complete',
  mcp_roots_list_changed: 'notifications/roots/list_changed',
}

const HTTP_VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])

/** ToolHive's default component name; events for an MCP server carry the server's name instead. */
const DEFAULT_COMPONENT = 'toolhive-api'

function auditId(record: JsonObject): string | undefined {
  return text(record.audit_id) ?? text(obj(record.metadata)?.auditId)
}

/**
 * `target.method` holds the parsed MCP method when ToolHive could parse the body, else the HTTP verb.
 * Transport-level events (`sse_connection`, `http_request`) keep their ToolHive type as method.
 */
function methodOf(type: string, target: JsonObject): string {
  const targetMethod = text(target.method)
  if (targetMethod && !HTTP_VERBS.has(targetMethod.toUpperCase())) return targetMethod
  return TYPE_METHOD[type] ?? type
}

/** JSON-RPC request/response bodies from the opt-in `data` member, if ToolHive captured them. */
function capturedData(record: JsonObject): { request?: JsonObject; body?: unknown; response?: unknown } {
  const data = obj(record.data)
  if (!data) return {}
  const request = obj(data.request)
  const isJsonRpc =
    request !== undefined && ('jsonrpc' in request || 'method' in request || 'params' in request)
  return {
    request: isJsonRpc ? request : undefined,
    body: isJsonRpc ? undefined : data.request,
    response: data.response,
  }
}

/** The `result` of a captured JSON-RPC response, or the captured body itself when it is not JSON-RPC. */
function resultOf(response: unknown): unknown {
  if (!isObject(response)) return response
  const isJsonRpc = 'jsonrpc' in response || 'result' in response || 'error' in response
  return isJsonRpc ? response.result : response
}

/**
 * `toolhive`: stacklok/toolhive audit events (pkg/audit/event.go, mcp_events.go, auditor.go). Both the
 * NDJSON the audit logger writes through slog (`audit_id`, `logged_at`, `metadata.extra`) and the struct's
 * own JSON (`metadata.auditId`, `loggedAt`) are read.
 */
export const toolhiveAdapter: GatewayAdapter = {
  format: 'toolhive',

  detect(record) {
    return (
      isObject(record) &&
      typeof record.type === 'string' &&
      auditId(record) !== undefined &&
      (record.logged_at !== undefined || record.loggedAt !== undefined) &&
      typeof record.outcome === 'string'
    )
  },

  adapt(record, ctx) {
    if (!isObject(record)) return invalid('', 'expected a ToolHive audit event object')
    const type = text(record.type)
    if (!type) return invalid('type', 'not a ToolHive audit event: `type` (e.g. "mcp_tool_call") is missing')
    const loggedAt = record.logged_at ?? record.loggedAt
    if (loggedAt === undefined) {
      return invalid('logged_at', 'not a ToolHive audit event: `logged_at` (or `loggedAt`) is missing')
    }

    const target = obj(record.target) ?? {}
    const source = obj(record.source) ?? {}
    const sourceExtra = obj(source.extra) ?? {}
    const subjects = obj(record.subjects) ?? {}
    const metadata = obj(record.metadata) ?? {}
    const extra = obj(metadata.extra) ?? {}
    const method = methodOf(type, target)
    const { request, body, response } = capturedData(record)
    const fromParams = targetFromParams(method, request?.params)
    const result = resultOf(response)
    const rpcError = errorFromRpc(obj(response)?.error)

    // `target.name` is the parsed resource id: the tool or prompt name, or the resource URI.
    const targetName = text(target.name) ?? text(target.resource_id)
    const targetType = text(target.type)
    const tool = method === 'tools/call' ? (targetName ?? fromParams.tool ?? UNKNOWN) : undefined
    const prompt =
      method === 'prompts/get' || targetType === 'prompt' ? (targetName ?? fromParams.prompt) : undefined
    const resourceUri =
      text(target.uri) ?? (targetType === 'resource' ? targetName : undefined) ?? fromParams.resource_uri

    const outcome = text(record.outcome)?.toLowerCase()
    const error =
      errorFrom(extra.jsonrpc_error_code, extra.jsonrpc_error_message) ??
      rpcError ??
      (outcome === 'failure' || outcome === 'error'
        ? errorFrom(undefined, `ToolHive outcome: ${outcome}`)
        : undefined)
    const status = deriveStatus({
      denied: outcome === 'denied',
      failed: outcome === 'failure' || outcome === 'error' || outcome === 'application_error' || !!rpcError,
      completed: outcome === 'success',
    })
    const finalStatus = status === 'success' && isToolError(result) ? 'error' : status

    const userId = text(subjects.user_id) ?? text(subjects.user)
    const clientName = text(subjects.client_name) ?? text(fromParams.client?.name)
    const clientVersion = text(subjects.client_version) ?? text(fromParams.client?.version)
    const component = text(record.component)
    const targetMethod = text(target.method)
    // `target.endpoint` is usually the request path; only an absolute URL says scheme and host.
    const transport = transportFields(urlTransport(target.endpoint))

    const attributes = compact({
      ...transport.attributes,
      toolhive_type: type,
      outcome: text(record.outcome),
      component,
      endpoint: text(target.endpoint),
      target_type: targetType,
      http_method: targetMethod && HTTP_VERBS.has(targetMethod.toUpperCase()) ? targetMethod : undefined,
      http_request_id: text(sourceExtra.request_id),
      source_type: text(source.type),
      user_name: text(subjects.user) !== userId ? text(subjects.user) : undefined,
      response_size_bytes: num(extra.response_size_bytes),
      mcp_version: text(extra.mcp_version),
      protocol_version: fromParams.protocol_version,
      delegation: record.delegation,
    })

    const event = compact({
      event_id: auditId(record),
      timestamp: toTimestamp(loggedAt) ?? loggedAt,
      method,
      server: compact({
        name: serverName(
          ctx,
          extra.backend_name,
          component !== DEFAULT_COMPONENT ? component : undefined,
          ctx.serverName,
          component,
        ),
        transport: text(extra.transport),
      }),
      tool,
      prompt,
      resource_uri: resourceUri,
      session_id: text(sourceExtra.session_id),
      request_id: requestId(request?.id),
      client: clientName || clientVersion ? compact({ name: clientName, version: clientVersion }) : undefined,
      user: userId ? { id: userId } : undefined,
      source_ip: text(source.value),
      user_agent: text(sourceExtra.user_agent),
      arguments: fromParams.arguments ?? body,
      result,
      status: finalStatus,
      error: finalStatus === 'success' ? undefined : error,
      duration_ms: num(extra.duration_ms) ?? num(metadata.duration_ms),
      decision: outcome === 'denied' ? 'deny' : undefined,
      ...transport.event,
      attributes,
    })
    return ok([event])
  },
}
