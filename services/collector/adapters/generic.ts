import { GenericEvent } from '../../../schemas/event.js'
import {
  deriveStatus,
  durationMs,
  invalid,
  isObject,
  isToolError,
  normalizeStatus,
  num,
  obj,
  ok,
  serverName,
  text,
  toTimestamp,
  type JsonObject,
} from './shared.js'
import type { GatewayAdapter } from './types.js'

const EVENT_KEYS: ReadonlySet<string> = new Set(Object.keys(GenericEvent.shape))

/** Keys of the simple gateway log of home-grown gateways that stand for generic fields. */
const ALIAS_KEYS: ReadonlySet<string> = new Set([
  'params',
  'user_id',
  'ip_address',
  'server_name',
  'duration',
  'latency_ms',
])

/** A primitive named on its own implies the method that uses it. */
function impliedMethod(event: JsonObject): string | undefined {
  if (text(event.tool)) return 'tools/call'
  if (text(event.prompt)) return 'prompts/get'
  if (text(event.resource_uri)) return 'resources/read'
  return undefined
}

function toServer(
  record: JsonObject,
  attributes: JsonObject,
  ctx: Parameters<GatewayAdapter['adapt']>[1],
): unknown {
  const server = record.server
  const fallback = () => serverName(ctx, record.server_name, attributes.server, attributes.server_name)
  if (server === undefined || server === null) return { name: fallback() }
  if (typeof server === 'string') return { name: serverName(ctx, server) }
  if (isObject(server) && !text(server.name)) return { ...server, name: fallback() }
  return server
}

/**
 * `generic`: the generic event itself (DESIGN.md "The generic event"), and the simple gateway log of
 * home-grown gateways (`timestamp, tool, params, user_id, result, status, ip_address`). Canonical fields
 * win over aliases; every other key is kept in `attributes`. Shapes are left as sent where they are
 * not aliases, so validation reports what is wrong with them.
 */
export const genericAdapter: GatewayAdapter = {
  format: 'generic',

  detect(record) {
    return (
      isObject(record) &&
      (typeof record.method === 'string' || typeof record.tool === 'string') &&
      record.timestamp !== undefined
    )
  },

  adapt(record, ctx) {
    if (!isObject(record)) {
      return invalid('', 'expected a JSON object: one generic event or one simple gateway log record')
    }
    const event: JsonObject = {}
    const attributes: JsonObject = { ...(obj(record.attributes) ?? {}) }
    for (const [key, value] of Object.entries(record)) {
      if (key === 'attributes' || value === undefined) continue
      if (EVENT_KEYS.has(key)) event[key] = value
      else if (!ALIAS_KEYS.has(key)) attributes[key] = value
    }

    const params = record.params
    if (event.arguments === undefined && params !== undefined) {
      // JSON-RPC `params` of tools/call carry the tool name beside the arguments.
      if (isObject(params) && typeof params.name === 'string' && 'arguments' in params) {
        event.tool ??= params.name
        event.arguments = params.arguments
      } else {
        event.arguments = params
      }
    }
    if (event.user === undefined && text(record.user_id)) event.user = { id: text(record.user_id) }
    if (typeof event.user === 'string') event.user = { id: event.user }
    if (typeof event.client === 'string') event.client = { name: event.client }
    if (typeof event.error === 'string') event.error = { message: event.error }
    event.source_ip ??= text(record.ip_address)
    event.method ??= impliedMethod(event)
    event.server = toServer(record, attributes, ctx)
    event.timestamp = toTimestamp(record.timestamp) ?? record.timestamp
    const duration = num(record.duration_ms) ?? durationMs(record.duration) ?? num(record.latency_ms)
    if (duration !== undefined) event.duration_ms = duration

    if (event.status !== undefined && event.status !== null) {
      event.status = normalizeStatus(event.status)
    } else {
      const status = deriveStatus({
        denied: event.decision === 'deny',
        failed: (event.error !== undefined && event.error !== null) || isToolError(event.result),
        completed: event.result !== undefined,
      })
      if (status) event.status = status
    }
    if (Object.keys(attributes).length > 0 || isObject(record.attributes)) event.attributes = attributes
    // Not an object: passed through so validation reports it rather than it vanishing.
    if (record.attributes !== undefined && record.attributes !== null && !isObject(record.attributes)) {
      event.attributes = record.attributes
    }
    return ok([event])
  },
}
