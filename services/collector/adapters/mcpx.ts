import {
  compact,
  invalid,
  isObject,
  obj,
  ok,
  serverName,
  text,
  toTimestamp,
  UNKNOWN,
  type JsonObject,
} from './shared.js'
import type { GatewayAdapter } from './types.js'

/** MCP traffic events of MCPX (mcpx/packages/shared-model/src/api/audit-log.ts `auditLogEventTypeSchema`). */
const TRAFFIC_METHOD: Record<string, string> = {
  tool_used: 'tools/call',
  prompt_used: 'prompts/get',
  resource_read: 'resources/read',
}

/** Gateway configuration changes; server-scoped ones name the server in `payload.name`. */
const ADMIN_EVENTS = new Set([
  'target_server_added',
  'target_server_removed',
  'agent_permission_updated',
  'catalog_updated',
  'behavior_updated',
])
const SERVER_SCOPED = new Set(['target_server_added', 'target_server_removed'])

/** The gateway itself, as the "server" of configuration-change events. */
const GATEWAY_SERVER = 'mcpx'

/** MCPX nests event fields under `payload`; a flat record (fields beside `eventType`) is read too. */
function fieldsOf(record: JsonObject): JsonObject {
  return obj(record.payload) ?? record
}

/**
 * `mcpx`: Lunar MCPX audit log entries (`{timestamp, createdAt?, eventType, payload}`). MCPX writes no
 * outcome, latency or error into its audit log (they go to OTel metrics), so traffic events carry no
 * status. `consumerTag` (the caller's consumer tag) is the user. Configuration changes
 * (`target_server_added`, `catalog_updated`, …) are kept as events with method `mcpx/<eventType>`, the
 * change in `attributes.change`: a change-management trail, never confused with MCP traffic.
 */
export const mcpxAdapter: GatewayAdapter = {
  format: 'mcpx',

  detect(record) {
    if (!isObject(record) || typeof record.eventType !== 'string') return false
    return record.eventType in TRAFFIC_METHOD || ADMIN_EVENTS.has(record.eventType)
  },

  adapt(record, ctx) {
    if (!isObject(record)) return invalid('', 'expected an MCPX audit log entry object')
    const eventType = text(record.eventType)
    if (!eventType) return invalid('eventType', 'not an MCPX audit log entry: `eventType` is missing')
    const fields = fieldsOf(record)
    const timestamp =
      toTimestamp(record.timestamp) ?? record.timestamp ?? toTimestamp(record.createdAt) ?? ctx.receivedAt
    const consumer = text(fields.consumerTag)
    const attributes = compact({
      mcpx_event_type: eventType,
      consumer_tag: consumer,
      created_at: record.createdAt,
      timestamp_source:
        record.timestamp === undefined && record.createdAt === undefined ? 'received_at' : undefined,
    })

    const method = TRAFFIC_METHOD[eventType]
    if (method) {
      return ok([
        compact({
          event_id: text(record.id),
          timestamp,
          method,
          server: { name: serverName(ctx, fields.targetServerName) },
          tool: method === 'tools/call' ? (text(fields.toolName) ?? UNKNOWN) : undefined,
          prompt: text(fields.promptName),
          resource_uri: text(fields.resourceUri),
          user: consumer ? { id: consumer, auth_method: 'consumer_tag' } : undefined,
          arguments: fields.args,
          attributes,
        }),
      ])
    }

    const { consumerTag: _consumerTag, ...change } = fields === record ? withoutEnvelope(record) : fields
    return ok([
      compact({
        event_id: text(record.id),
        timestamp,
        method: `mcpx/${eventType}`,
        server: { name: SERVER_SCOPED.has(eventType) ? serverName(ctx, change.name) : GATEWAY_SERVER },
        status: 'success',
        attributes: { ...attributes, change },
      }),
    ])
  },
}

function withoutEnvelope(record: JsonObject): JsonObject {
  const { timestamp: _timestamp, createdAt: _createdAt, eventType: _eventType, id: _id, ...fields } = record
  return fields
}
