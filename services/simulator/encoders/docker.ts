import type { Encoder } from './shared.js'
import { requestMeta, resultOf } from './shared.js'

/**
 * Docker MCP Gateway interceptor payloads, posted with `?format=docker&server=NAME` as the `exec`
 * interceptor does, one request per payload: the `CallToolRequest` before the call (MCP 2026-07-28
 * clients send the whole JSON-RPC message, with client and protocol in `_meta`) and the `CallToolResult`
 * after it. A call the gateway blocked has no result. Only `tools/call` passes through interceptors.
 */
export const encodeDocker: Encoder = (call) => {
  if (call.method !== 'tools/call') return []
  const server = call.server.name
  const params = { _meta: requestMeta(call), ...call.params }
  const modern = call.protocolVersion >= '2026-07-28'
  const before = modern
    ? { jsonrpc: '2.0', id: call.requestId, method: 'tools/call', params }
    : { method: 'tools/call', params }
  const records = [{ record: before, events: 1, server }]
  const { outcome } = call
  if (outcome.kind === 'denied') return records
  let after: unknown
  if (outcome.kind === 'rpc_error') {
    after = { jsonrpc: '2.0', id: call.requestId, error: { code: outcome.code, message: outcome.message } }
  } else if (outcome.kind === 'timeout') {
    after = {
      content: [{ type: 'text', text: `Error: calling tool ${call.tool}: context deadline exceeded` }],
      isError: true,
    }
  } else {
    after = modern ? { jsonrpc: '2.0', id: call.requestId, result: resultOf(call) } : resultOf(call)
  }
  return [...records, { record: after, events: 1, server }]
}
