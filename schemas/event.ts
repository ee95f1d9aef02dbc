import { z } from 'zod'

/**
 * The generic MCP audit event: what every gateway adapter produces and what the collector writes to
 * Kafka (`mcp.audit.raw`). Version 1. Field meanings are in DESIGN.md ("The generic event").
 */
export const EVENT_SCHEMA_VERSION = 1

/** Caps that keep one event from exhausting memory downstream; named so errors can quote them. */
export const EVENT_LIMITS = {
  shortText: 512,
  longText: 65_536,
  roles: 64,
} as const

const shortText = z.string().max(EVENT_LIMITS.shortText)
const nullableShort = shortText.nullable().optional()

export const EventStatus = z.enum(['success', 'error', 'denied', 'timeout'])
export type EventStatus = z.infer<typeof EventStatus>

export const EventDecision = z.enum(['allow', 'deny'])

export const JsonRpcError = z.object({
  code: z.number().int().nullable().optional(),
  message: z.string().max(EVENT_LIMITS.longText).nullable().optional(),
  data: z.unknown().optional(),
})

export const ServerInfo = z.object({
  name: shortText.min(1),
  version: nullableShort,
  transport: nullableShort,
})

export const ClientInfo = z.object({
  name: nullableShort,
  version: nullableShort,
})

export const UserInfo = z.object({
  id: nullableShort,
  roles: z.array(shortText).max(EVENT_LIMITS.roles).optional(),
  auth_method: nullableShort,
})

/** ISO 8601 with a timezone; gateways disagree on precision, so any fraction is accepted. */
export const Timestamp = z.iso.datetime({ offset: true })

export const GenericEvent = z
  .object({
    event_id: shortText.min(1).nullable().optional(),
    timestamp: Timestamp,
    method: shortText.min(1),
    server: ServerInfo,
    tool: nullableShort,
    resource_uri: z.string().max(EVENT_LIMITS.longText).nullable().optional(),
    prompt: nullableShort,
    session_id: nullableShort,
    request_id: z.union([shortText, z.number()]).nullable().optional(),
    trace_id: nullableShort,
    client: ClientInfo.nullable().optional(),
    user: UserInfo.nullable().optional(),
    source_ip: nullableShort,
    user_agent: z.string().max(EVENT_LIMITS.longText).nullable().optional(),
    arguments: z.unknown().optional(),
    result: z.unknown().optional(),
    status: EventStatus.nullable().optional(),
    error: JsonRpcError.nullable().optional(),
    duration_ms: z.number().nonnegative().nullable().optional(),
    decision: EventDecision.nullable().optional(),
    data_region: nullableShort,
    tls: z.boolean().nullable().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((event, ctx) => {
    if (event.method === 'tools/call' && !event.tool) {
      ctx.addIssue({ code: 'custom', path: ['tool'], message: 'tool is required when method is tools/call' })
    }
  })
export type GenericEvent = z.infer<typeof GenericEvent>
