import { createHash } from 'node:crypto'
import type { SimCall } from '../types.js'

export interface EncodedRecord {
  record: unknown
  /** MCP events the collector makes of the record. */
  events: number
  /** `?server=` for formats whose records do not name their server. */
  server?: string
}

export type Encoder = (call: SimCall) => EncodedRecord[]

export type EventStatus = 'success' | 'error' | 'denied' | 'timeout'

export function statusOf(call: SimCall): EventStatus {
  switch (call.outcome.kind) {
    case 'success':
      return 'success'
    case 'tool_error':
    case 'rpc_error':
      return 'error'
    case 'timeout':
      return 'timeout'
    case 'denied':
      return 'denied'
  }
}

/** The `result` member of the JSON-RPC response, with `isError` on tool results; undefined when none came back. */
export function resultOf(call: SimCall): Record<string, unknown> | undefined {
  const { outcome } = call
  if (outcome.kind === 'tool_error') return { ...outcome.result, isError: true }
  if (outcome.kind !== 'success') return undefined
  return call.method === 'tools/call' ? { ...outcome.result, isError: false } : { ...outcome.result }
}

/** A JSON-RPC error for what is not a result: the server's error, the gateway's denial or timeout. */
export function errorOf(call: SimCall): { code: number | null; message: string } | undefined {
  const { outcome } = call
  if (outcome.kind === 'rpc_error') return { code: outcome.code, message: outcome.message }
  if (outcome.kind === 'denied') return { code: -32001, message: outcome.message }
  if (outcome.kind === 'timeout') return { code: null, message: outcome.message }
  return undefined
}

/** What the collector calls `arguments`: the tool's or prompt's arguments, else the request params. */
export function argumentsOf(call: SimCall): unknown {
  const params = call.params
  if (!params) return undefined
  if (call.method === 'tools/call' || call.method === 'prompts/get') return params.arguments
  if (call.method.startsWith('resources/')) return undefined
  return Object.keys(params).length > 0 ? params : undefined
}

export function traceparent(call: SimCall): string {
  return `00-${call.traceId}-${call.spanId}-01`
}

/** MCP 2026-07-28 carries the client and protocol in every request's `_meta`; older revisions only the trace. */
export function requestMeta(call: SimCall): Record<string, unknown> {
  const meta: Record<string, unknown> = { traceparent: traceparent(call) }
  if (call.protocolVersion >= '2026-07-28') {
    meta['io.modelcontextprotocol/protocolVersion'] = call.protocolVersion
    if (call.client) meta['io.modelcontextprotocol/clientInfo'] = call.client
  }
  return meta
}

export function jsonRpcRequest(call: SimCall): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id: call.requestId,
    method: call.method,
    params: { _meta: requestMeta(call), ...call.params },
  }
}

/** The JSON-RPC response, or undefined when the gateway refused the call or gave up waiting. */
export function jsonRpcResponse(call: SimCall): Record<string, unknown> | undefined {
  if (call.outcome.kind === 'rpc_error') {
    return {
      jsonrpc: '2.0',
      id: call.requestId,
      error: { code: call.outcome.code, message: call.outcome.message },
    }
  }
  const result = resultOf(call)
  return result ? { jsonrpc: '2.0', id: call.requestId, result } : undefined
}

/** When the gateway wrote its log line: after the call completed. */
export function endUs(call: SimCall): number {
  return call.timeUs + Math.round(call.durationMs * 1000)
}

/** A stable UUID-shaped id for a name (Kong route and consumer ids), independent of the random stream. */
export function stableUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function primitiveOf(method: string): 'tool' | 'resource' | 'prompt' | undefined {
  if (method === 'tools/call') return 'tool'
  if (method === 'resources/read') return 'resource'
  if (method === 'prompts/get') return 'prompt'
  return undefined
}

export function byteLength(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value))
}
