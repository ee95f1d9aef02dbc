import {
  compact,
  deriveStatus,
  errorFromRpc,
  invalid,
  isObject,
  isToolError,
  obj,
  ok,
  requestId,
  serverName,
  targetFromParams,
  text,
  UNKNOWN,
  type JsonObject,
} from './shared.js'
import type { GatewayAdapter } from './types.js'

/** The members of a bare `CallToolResult`. */
const RESULT_KEYS: ReadonlySet<string> = new Set([
  'content',
  'structuredContent',
  'isError',
  '_meta',
  'resultType',
])

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/

function isRequest(record: JsonObject): boolean {
  return typeof record.method === 'string' && (record.params === undefined || isObject(record.params))
}

function isResponse(record: JsonObject): boolean {
  return record.jsonrpc !== undefined && ('result' in record || 'error' in record)
}

function isToolResult(record: JsonObject): boolean {
  return Array.isArray(record.content) || 'structuredContent' in record || typeof record.isError === 'boolean'
}

/** W3C trace id from `params._meta.traceparent` (MCP 2026-07-28 lets it travel in `_meta`). */
function traceIdOf(params: unknown): string | undefined {
  const traceparent = text(obj(obj(params)?._meta)?.traceparent)
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined
}

/**
 * `docker`: Docker MCP Gateway interceptor payloads (docker/mcp-gateway pkg/interceptors/interceptors.go)
 * and raw MCP JSON-RPC messages. `--interceptor=before:http:<collector>/v1/events?format=docker&server=X`
 * posts `{method: "tools/call", params: {name, arguments}}`; `after:` posts the `CallToolResult`. Neither
 * carries a time or a server, and a result does not name its tool: the time is the collector's receive
 * time, the server is `?server=` (else `unknown`), a result's tool is `unknown`. Requests and results are
 * separate events; the payloads carry nothing that pairs them.
 */
export const dockerAdapter: GatewayAdapter = {
  format: 'docker',
  timeFromReceipt: true,

  detect(record) {
    if (!isObject(record) || 'timestamp' in record || 'tool' in record) return false
    if (isResponse(record)) return true
    if (isRequest(record)) return record.jsonrpc !== undefined || obj(record.params)?.name !== undefined
    return isToolResult(record) && Object.keys(record).every((key) => RESULT_KEYS.has(key))
  },

  adapt(record, ctx) {
    if (!isObject(record)) {
      return invalid('', 'expected an MCP CallToolRequest or CallToolResult object (interceptor payload)')
    }
    const base = {
      timestamp: ctx.receivedAt,
      server: { name: serverName(ctx) },
    }

    if (isRequest(record)) {
      const method = text(record.method) ?? UNKNOWN
      const target = targetFromParams(method, record.params)
      return ok([
        compact({
          ...base,
          method,
          tool: method === 'tools/call' ? (target.tool ?? UNKNOWN) : undefined,
          prompt: target.prompt,
          resource_uri: target.resource_uri,
          request_id: requestId(record.id),
          trace_id: traceIdOf(record.params),
          client: target.client,
          arguments: target.arguments,
          attributes: compact({
            interceptor: 'before',
            timestamp_source: 'received_at',
            protocol_version: target.protocol_version,
          }),
        }),
      ])
    }

    const response = isResponse(record)
    const result = response ? record.result : record
    if (!response && !isToolResult(record)) {
      return invalid(
        '',
        'not an MCP message: expected `method` (request), `result`/`error` (response) or `content` (result)',
      )
    }
    const error = response ? errorFromRpc(record.error) : undefined
    const status = deriveStatus({ failed: error !== undefined || isToolError(result), completed: true })
    return ok([
      compact({
        ...base,
        method: 'tools/call',
        tool: UNKNOWN,
        request_id: response ? requestId(record.id) : undefined,
        result,
        status,
        error,
        attributes: { interceptor: 'after', timestamp_source: 'received_at' },
      }),
    ])
  },
}
