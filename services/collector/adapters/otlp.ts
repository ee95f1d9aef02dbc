import { agentgatewayAdapter } from './agentgateway.js'
import {
  compact,
  deriveStatus,
  errorFrom,
  fromUnixNanos,
  invalid,
  isObject,
  isToolError,
  num,
  obj,
  ok,
  parseJson,
  requestId,
  rest,
  scrubCredentials,
  serverName,
  text,
  UNKNOWN,
  type JsonObject,
} from './shared.js'
import { semconvTransport, transportFields } from './transport.js'
import type { AdapterContext, GatewayAdapter } from './types.js'

/** OTLP `AnyValue` (JSON encoding: int64 as string, bytes as base64) to a plain value. */
function anyValue(value: unknown): unknown {
  const v = obj(value)
  if (!v) return undefined
  if ('stringValue' in v) return v.stringValue
  if ('boolValue' in v) return v.boolValue
  if ('intValue' in v) {
    const n = num(v.intValue)
    return n !== undefined && Number.isSafeInteger(n) ? n : v.intValue
  }
  if ('doubleValue' in v) return num(v.doubleValue) ?? v.doubleValue
  if ('arrayValue' in v) {
    const values = obj(v.arrayValue)?.values
    return Array.isArray(values) ? values.map(anyValue) : []
  }
  if ('kvlistValue' in v) return keyValues(obj(v.kvlistValue)?.values)
  if ('bytesValue' in v) return v.bytesValue
  return undefined
}

/** OTLP `KeyValue[]` to an object keyed by attribute name. */
function keyValues(list: unknown): JsonObject {
  const out: JsonObject = {}
  if (!Array.isArray(list)) return out
  for (const kv of list) {
    if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value)
  }
  return out
}

/** Attributes that make a log record an MCP audit record. */
const MCP_MARKERS = [
  'mcp.method.name',
  'mcp.method',
  'gen_ai.tool.name',
  'gen_ai.prompt.name',
  'mcp.resource.uri',
]

const CONSUMED: ReadonlySet<string> = new Set([
  'mcp.method.name',
  'gen_ai.operation.name',
  'gen_ai.tool.name',
  'mcp.tool.name',
  'gen_ai.prompt.name',
  'mcp.resource.uri',
  'mcp.session.id',
  'session.id',
  'jsonrpc.request.id',
  'mcp.server.name',
  'mcp.server.version',
  'mcp.target',
  'mcp.provider.name',
  'mcp.backend.name',
  'network.transport',
  'mcp.client.name',
  'mcp.client.version',
  'enduser.id',
  'user.id',
  'client.address',
  'user_agent.original',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'duration_ms',
  'mcp.duration_ms',
  'log.record.uid',
  'cloud.region',
])

const DENIED_ERROR = /^(401|403|429|unauthori[sz]ed|forbidden|permission_denied|access_denied|denied)$/i
const TIMEOUT_ERROR = /time[\s_-]?out|deadline/i
/** OTel SeverityNumber: 17–24 are ERROR and FATAL. */
const SEVERITY_ERROR = 17

function isMcpRecord(attributes: JsonObject): boolean {
  return (
    MCP_MARKERS.some((key) => key in attributes) || attributes['gen_ai.operation.name'] === 'execute_tool'
  )
}

function traceIdOf(record: JsonObject): string | undefined {
  const traceId = text(record.traceId)
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined
}

/** One log record using the OTel GenAI/MCP semantic conventions (semantic-conventions-genai model/mcp). */
function semconvEvent(
  attributes: JsonObject,
  resource: JsonObject,
  record: JsonObject,
  timestamp: string,
  ctx: AdapterContext,
) {
  const method =
    text(attributes['mcp.method.name']) ??
    (attributes['gen_ai.operation.name'] === 'execute_tool' ? 'tools/call' : UNKNOWN)
  const errorType = text(attributes['error.type'])
  // JSON-RPC codes are negative; a positive error.type is an HTTP status, not a code.
  const numericErrorType = errorType && /^-\d+$/.test(errorType) ? Number(errorType) : undefined
  const rpcCode =
    num(attributes['rpc.response.status_code']) ?? num(attributes['rpc.status_code']) ?? numericErrorType
  const result = parseJson(attributes['gen_ai.tool.call.result'])
  const severity = num(record.severityNumber) ?? 0
  const status = deriveStatus({
    denied: errorType !== undefined && DENIED_ERROR.test(errorType),
    timeout: errorType !== undefined && TIMEOUT_ERROR.test(errorType),
    failed:
      errorType !== undefined || rpcCode !== undefined || isToolError(result) || severity >= SEVERITY_ERROR,
    completed: true,
  })
  const userId = text(attributes['enduser.id']) ?? text(attributes['user.id'])
  const clientName = text(attributes['mcp.client.name'])
  const clientVersion = text(attributes['mcp.client.version'])
  const operationSeconds = num(attributes['mcp.server.operation.duration'])
  return compact({
    event_id: text(attributes['log.record.uid']),
    timestamp,
    method,
    server: compact({
      name: serverName(
        ctx,
        attributes['mcp.server.name'],
        attributes['mcp.target'],
        attributes['mcp.provider.name'],
        attributes['mcp.backend.name'],
        ctx.serverName,
        resource['service.name'],
      ),
      version: text(attributes['mcp.server.version']),
      transport: text(attributes['network.transport']),
    }),
    tool:
      text(attributes['gen_ai.tool.name']) ??
      text(attributes['mcp.tool.name']) ??
      (method === 'tools/call' ? UNKNOWN : undefined),
    prompt: text(attributes['gen_ai.prompt.name']),
    resource_uri: text(attributes['mcp.resource.uri']),
    session_id: text(attributes['mcp.session.id']) ?? text(attributes['session.id']),
    request_id: requestId(attributes['jsonrpc.request.id']),
    trace_id: traceIdOf(record),
    client: clientName || clientVersion ? compact({ name: clientName, version: clientVersion }) : undefined,
    user: userId ? { id: userId } : undefined,
    source_ip: text(attributes['client.address']),
    user_agent: text(attributes['user_agent.original']),
    arguments: parseJson(attributes['gen_ai.tool.call.arguments']),
    result,
    status,
    error:
      status === 'success'
        ? undefined
        : errorFrom(
            rpcCode,
            text(attributes['error.message']) ?? text(anyValue(record.body)),
            errorType ? { type: errorType } : undefined,
          ),
    duration_ms:
      num(attributes.duration_ms) ??
      num(attributes['mcp.duration_ms']) ??
      (operationSeconds !== undefined ? operationSeconds * 1000 : undefined),
    decision: status === 'denied' ? 'deny' : undefined,
    attributes: rest(attributes, CONSUMED),
  })
}

/** Log-record context kept beside the mapped attributes. */
function recordContext(
  record: JsonObject,
  resource: JsonObject,
  scope: JsonObject | undefined,
  fromReceipt: boolean,
) {
  const body = anyValue(record.body)
  return compact({
    severity_text: text(record.severityText),
    event_name: text(record.eventName),
    body: body === undefined || body === '' ? undefined : body,
    scope: text(scope?.name),
    resource: Object.keys(resource).length > 0 ? resource : undefined,
    span_id: text(record.spanId),
    timestamp_source: fromReceipt ? 'received_at' : undefined,
  })
}

function mapRecord(
  record: JsonObject,
  resource: JsonObject,
  scope: JsonObject | undefined,
  ctx: AdapterContext,
) {
  const attributes = keyValues(record.attributes)
  if (!isMcpRecord(attributes)) return undefined
  const recordTime = fromUnixNanos(record.timeUnixNano) ?? fromUnixNanos(record.observedTimeUnixNano)
  const timestamp = recordTime ?? ctx.receivedAt
  const context = recordContext(record, resource, scope, recordTime === undefined)
  // agentgateway can export its access log over OTLP; its keys (src.addr, mcp.target, duration) keep their meaning.
  const accessLog = {
    ...attributes,
    time: timestamp,
    'trace.id': attributes['trace.id'] ?? traceIdOf(record),
  }
  // The resource says where the exporting gateway runs (`cloud.region`) when the record does not.
  const transport = transportFields(semconvTransport(attributes, resource))
  if (agentgatewayAdapter.detect(accessLog)) {
    const outcome = agentgatewayAdapter.adapt(accessLog, ctx)
    const event = outcome.kind === 'ok' ? obj(outcome.events[0]) : undefined
    if (event) {
      return {
        ...transport.event,
        ...event,
        attributes: { ...transport.attributes, ...obj(event.attributes), ...context },
      }
    }
  }
  const event = semconvEvent(attributes, resource, record, timestamp, ctx)
  return {
    ...event,
    ...transport.event,
    attributes: scrubCredentials({ ...transport.attributes, ...obj(event.attributes), ...context }),
  }
}

/**
 * `otlp`: OTLP/HTTP JSON logs (`POST /v1/logs`): `resourceLogs[].scopeLogs[].logRecords[]`, one event per
 * record that carries an MCP attribute (`mcp.method.name`, `gen_ai.tool.name`, `gen_ai.prompt.name`,
 * `mcp.resource.uri`, or `gen_ai.operation.name=execute_tool`). Other records in the same body (a
 * gateway's own debug logs sharing the exporter) are not MCP audit records and are skipped.
 */
export const otlpAdapter: GatewayAdapter = {
  format: 'otlp',

  detect(record) {
    return isObject(record) && Array.isArray(record.resourceLogs)
  },

  adapt(record, ctx) {
    if (!isObject(record) || !Array.isArray(record.resourceLogs)) {
      return invalid('resourceLogs', 'not an OTLP/HTTP JSON logs body: expected a `resourceLogs` array')
    }
    const events: unknown[] = []
    for (const resourceLogs of record.resourceLogs.filter(isObject)) {
      const resource = keyValues(obj(resourceLogs.resource)?.attributes)
      const scopeLogs = Array.isArray(resourceLogs.scopeLogs) ? resourceLogs.scopeLogs.filter(isObject) : []
      for (const scopeLog of scopeLogs) {
        const logRecords = Array.isArray(scopeLog.logRecords) ? scopeLog.logRecords.filter(isObject) : []
        for (const logRecord of logRecords) {
          const event = mapRecord(logRecord, resource, obj(scopeLog.scope), ctx)
          if (event) events.push(event)
        }
      }
    }
    return ok(events)
  },
}
