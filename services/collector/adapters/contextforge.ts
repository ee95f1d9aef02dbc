import {
  compact,
  deriveStatus,
  errorFrom,
  invalid,
  isObject,
  looksLikeTimeout,
  num,
  obj,
  ok,
  requestId,
  rest,
  serverName,
  text,
  toTimestamp,
  type JsonObject,
} from './shared.js'
import type { AdapterContext, GatewayAdapter } from './types.js'

const DENY_ACTIONS = new Set(['blocked', 'block', 'denied', 'deny', 'rejected', 'reject', 'quarantined'])
const DENY_EVENT_TYPE = /fail|denied|unauthori[sz]ed|forbidden|blocked|violation|rejected/i

function isSiemEnvelope(record: JsonObject): boolean {
  return (
    record.schema_version !== undefined &&
    typeof record.event_type === 'string' &&
    record.event_id !== undefined &&
    (isObject(record.actor) || isObject(record.source))
  )
}

function isLogEntry(record: JsonObject): boolean {
  return (
    typeof record.level === 'string' &&
    typeof record.message === 'string' &&
    typeof record.component === 'string' &&
    ('correlation_id' in record ||
      'custom_fields' in record ||
      isObject(record.context) ||
      'operation_type' in record)
  )
}

function userOf(userId: unknown, email: unknown): { user?: JsonObject; email?: string } {
  const id = text(userId) ?? text(email)
  return { user: id ? { id } : undefined, email: text(email) !== id ? text(email) : undefined }
}

/** SIEM export envelope (mcpgateway/services/siem_export_service.py `_build_event_envelope`). */
function fromSiemEnvelope(record: JsonObject, ctx: AdapterContext): JsonObject {
  const actor = obj(record.actor) ?? {}
  const context = obj(record.context) ?? {}
  const source = obj(record.source) ?? {}
  const eventType = text(record.event_type) ?? 'security_event'
  const toolName = text(context.tool_name) ?? text(context.tool)
  const method = text(context.method) ?? (toolName ? 'tools/call' : `contextforge/${eventType}`)
  const action = text(record.action_taken)?.toLowerCase()
  const denied = (action !== undefined && DENY_ACTIONS.has(action)) || DENY_EVENT_TYPE.test(eventType)
  const errorMessage = text(context.error) ?? text(context.error_message)
  const status = deriveStatus({
    denied,
    timeout: looksLikeTimeout(errorMessage),
    failed: errorMessage !== undefined || context.success === false,
    completed: context.success === true,
  })
  const { user, email } = userOf(actor.user_id, actor.user_email)
  const consumed = new Set(['tool_name', 'tool', 'method', 'server_name', 'gateway_name', 'request_id'])
  return compact({
    event_id: text(record.event_id),
    timestamp: toTimestamp(record.timestamp) ?? record.timestamp ?? ctx.receivedAt,
    method,
    server: { name: serverName(ctx, context.server_name, context.gateway_name, source.service) },
    tool: toolName,
    session_id: text(context.session_id),
    request_id: requestId(context.request_id),
    trace_id: text(context.trace_id),
    user,
    source_ip: text(actor.client_ip),
    user_agent: text(actor.user_agent),
    arguments: context.arguments,
    status,
    error: status === 'error' || status === 'timeout' ? errorFrom(undefined, errorMessage) : undefined,
    decision: denied ? 'deny' : undefined,
    attributes: compact({
      contextforge_event_type: eventType,
      severity: text(record.severity),
      category: text(record.category),
      description: text(record.description),
      action_taken: text(record.action_taken),
      user_email: email,
      geo: actor.geo ?? undefined,
      threat: record.threat,
      source: record.source,
      context: Object.keys(rest(context, consumed)).length > 0 ? rest(context, consumed) : undefined,
      metadata: record.metadata,
      schema_version: text(record.schema_version),
    }),
  })
}

const PRIMITIVE_METHODS: Record<string, string> = {
  tool: 'tools/call',
  resource: 'resources/read',
  prompt: 'prompts/get',
}

/**
 * Structured log entry (mcpgateway/services/structured_logger.py): either the flat dict handed to the
 * Python logger or the `structured_log_entries` row, whose `context` holds `resource_*` and `custom_fields`.
 */
function fromLogEntry(record: JsonObject, ctx: AdapterContext): JsonObject {
  const context = obj(record.context) ?? {}
  const field = (key: string): unknown => record[key] ?? context[key]
  const custom = obj(field('custom_fields')) ?? {}
  const resourceType = text(field('resource_type'))?.toLowerCase()
  const resourceName = text(field('resource_name')) ?? text(field('resource_id'))
  const toolName = text(custom.tool_name) ?? (resourceType === 'tool' ? resourceName : undefined)
  const primitiveMethod = toolName ? 'tools/call' : resourceType ? PRIMITIVE_METHODS[resourceType] : undefined
  const operation = text(record.operation_type) ?? text(field('resource_action')) ?? 'log'
  const method = text(custom.method) ?? primitiveMethod ?? `contextforge/${operation}`
  const errorDetails = obj(record.error_details) ?? {}
  const errorMessage = text(errorDetails.error_message) ?? text(record.error_message)
  const errorType = text(errorDetails.error_type) ?? text(record.error_type)
  const level = text(record.level)?.toUpperCase()
  const threat = obj(record.threat_indicators) ?? {}
  const securityAction = text(threat.security_action_taken ?? record.security_action_taken)?.toLowerCase()
  const status = deriveStatus({
    denied: securityAction !== undefined && DENY_ACTIONS.has(securityAction),
    timeout: looksLikeTimeout(errorMessage) || /timeout/i.test(errorType ?? ''),
    failed:
      errorMessage !== undefined ||
      errorType !== undefined ||
      level === 'ERROR' ||
      level === 'CRITICAL' ||
      custom.success === false,
    completed: primitiveMethod !== undefined,
  })
  const { user, email } = userOf(record.user_id, record.user_email)
  return compact({
    event_id: text(record.id),
    timestamp: toTimestamp(record.timestamp) ?? record.timestamp ?? ctx.receivedAt,
    method,
    server: {
      name: serverName(ctx, custom.gateway_name, custom.server_name, custom.gateway_id, custom.server_id),
    },
    tool: toolName,
    prompt: resourceType === 'prompt' ? resourceName : undefined,
    resource_uri: resourceType === 'resource' ? (text(custom.uri) ?? resourceName) : undefined,
    request_id: requestId(record.request_id),
    trace_id: text(record.trace_id),
    user,
    source_ip: text(record.client_ip),
    user_agent: text(record.user_agent),
    arguments: custom.arguments,
    status,
    error:
      status === 'error' || status === 'timeout'
        ? errorFrom(
            undefined,
            errorMessage ?? text(record.message),
            errorType ? { type: errorType } : undefined,
          )
        : undefined,
    duration_ms: num(record.duration_ms),
    decision: status === 'denied' ? 'deny' : undefined,
    attributes: compact({
      component: text(record.component),
      level: text(record.level),
      message: text(record.message),
      correlation_id: text(record.correlation_id),
      span_id: text(record.span_id),
      operation_type: text(record.operation_type),
      category: text(field('category')),
      resource_type: resourceType,
      resource_action: text(field('resource_action')),
      resource_id: text(field('resource_id')),
      custom_fields: Object.keys(custom).length > 0 ? custom : undefined,
      user_email: email,
      team_id: text(field('team_id')),
      request_method: text(record.request_method),
      request_path: text(record.request_path),
      is_security_event: record.is_security_event === true ? true : undefined,
      security_severity: text(record.security_severity),
      threat_indicators: Object.keys(threat).length > 0 ? threat : undefined,
      error_stack_trace: text(errorDetails.error_stack_trace) ?? text(record.error_stack_trace),
      hostname: text(record.hostname),
      environment: text(record.environment),
      version: text(record.version),
      tags: field('tags') ?? undefined,
    }),
  })
}

/**
 * `contextforge`: IBM/mcp-context-forge. Tool invocations are structured log entries (`resource_type`
 * tool, `custom_fields.tool_name`); security events arrive as the SIEM export envelope (`schema_version`,
 * `event_id`, `event_type`, `actor`, …). Non-MCP entries keep ContextForge's own operation as method
 * (`contextforge/<event_type | operation_type>`) so the audit trail keeps them.
 */
export const contextforgeAdapter: GatewayAdapter = {
  format: 'contextforge',

  detect(record) {
    return isObject(record) && (isSiemEnvelope(record) || isLogEntry(record))
  },

  adapt(record, ctx) {
    if (!isObject(record))
      return invalid('', 'expected a ContextForge structured log entry or SIEM envelope object')
    if (isSiemEnvelope(record)) return ok([fromSiemEnvelope(record, ctx)])
    if (isLogEntry(record)) return ok([fromLogEntry(record, ctx)])
    return invalid(
      '',
      'not a ContextForge record: expected a SIEM envelope (`schema_version`, `event_id`, `event_type`, `actor`) ' +
        'or a structured log entry (`level`, `component`, `message`, `correlation_id`)',
    )
  },
}
