import { EVENT_LIMITS, EventDecision, EventStatus, GenericEvent, Timestamp } from './event.js'
import { RAW_ENVELOPE_VERSION, type RawEnvelope } from './raw-envelope.js'

/**
 * A structural check of a parsed `mcp.audit.raw` message: true only for a value `RawEnvelope`
 * accepts and returns unchanged, i.e. every field of the right type within its limits and no key
 * the schema would strip. It reads the value in place, where the zod parse builds a copy; on
 * envelopes as the collector writes them it costs about a tenth of the zod parse. False says
 * nothing by itself: the caller runs the zod parse then, for its outcome and its reasons.
 * `raw-envelope-check.test.ts` holds it to the schema (never true where the parse fails or changes
 * the value).
 */
export function isPlainRawEnvelope(value: unknown): value is RawEnvelope {
  if (!isRecord(value) || !onlyKeys(value, ENVELOPE_KEYS)) return false
  if (value.v !== RAW_ENVELOPE_VERSION) return false
  if (!isNonEmpty(value.tenant_id) || !isNonEmpty(value.gateway) || !isNonEmpty(value.format)) return false
  if (!isTimestamp(value.received_at)) return false
  return isPlainEvent(value.event)
}

const ENVELOPE_KEYS = new Set(['v', 'tenant_id', 'gateway', 'format', 'received_at', 'event'])
const EVENT_KEYS = new Set(Object.keys(GenericEvent.shape))
const SERVER_KEYS = new Set(['name', 'version', 'transport'])
const CLIENT_KEYS = new Set(['name', 'version'])
const USER_KEYS = new Set(['id', 'roles', 'auth_method'])
const ERROR_KEYS = new Set(['code', 'message', 'data'])
const STATUSES = new Set<unknown>(EventStatus.options)
const DECISIONS = new Set<unknown>(EventDecision.options)

type Fields = Record<string, unknown>

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function onlyKeys(value: Fields, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false
  return true
}

const absent = (value: unknown) => value === undefined || value === null
const isNonEmpty = (value: unknown) => typeof value === 'string' && value.length > 0
const isTimestamp = (value: unknown) => typeof value === 'string' && Timestamp.safeParse(value).success
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max
const shortOrAbsent = (value: unknown) => absent(value) || isText(value, EVENT_LIMITS.shortText)
const longOrAbsent = (value: unknown) => absent(value) || isText(value, EVENT_LIMITS.longText)

function isPlainEvent(event: unknown): boolean {
  if (!isRecord(event) || !onlyKeys(event, EVENT_KEYS)) return false
  const { event_id, method, tool, request_id, duration_ms } = event
  if (!absent(event_id) && !(isNonEmpty(event_id) && isText(event_id, EVENT_LIMITS.shortText))) return false
  if (!isTimestamp(event.timestamp)) return false
  if (!isNonEmpty(method) || !isText(method, EVENT_LIMITS.shortText)) return false
  if (method === 'tools/call' && !tool) return false
  for (const short of [
    tool,
    event.prompt,
    event.session_id,
    event.trace_id,
    event.source_ip,
    event.data_region,
  ])
    if (!shortOrAbsent(short)) return false
  if (!longOrAbsent(event.resource_uri) || !longOrAbsent(event.user_agent)) return false
  if (typeof request_id !== 'number' && !shortOrAbsent(request_id)) return false
  if (!absent(event.status) && !STATUSES.has(event.status)) return false
  if (!absent(event.decision) && !DECISIONS.has(event.decision)) return false
  if (!absent(duration_ms) && !(typeof duration_ms === 'number' && duration_ms >= 0)) return false
  if (!absent(event.tls) && typeof event.tls !== 'boolean') return false
  if (event.attributes !== undefined && !isRecord(event.attributes)) return false
  return isPlainServer(event.server) && isPlainParts(event)
}

function isPlainServer(server: unknown): boolean {
  if (!isRecord(server) || !onlyKeys(server, SERVER_KEYS)) return false
  return (
    isNonEmpty(server.name) &&
    isText(server.name, EVENT_LIMITS.shortText) &&
    shortOrAbsent(server.version) &&
    shortOrAbsent(server.transport)
  )
}

/** The optional nested objects: client, user, error. */
function isPlainParts({ client, user, error }: Fields): boolean {
  if (!absent(client)) {
    if (!isRecord(client) || !onlyKeys(client, CLIENT_KEYS)) return false
    if (!shortOrAbsent(client.name) || !shortOrAbsent(client.version)) return false
  }
  if (!absent(user)) {
    if (!isRecord(user) || !onlyKeys(user, USER_KEYS)) return false
    if (!shortOrAbsent(user.id) || !shortOrAbsent(user.auth_method)) return false
    const { roles } = user
    if (roles !== undefined) {
      if (!Array.isArray(roles) || roles.length > EVENT_LIMITS.roles) return false
      if (!roles.every((role) => isText(role, EVENT_LIMITS.shortText))) return false
    }
  }
  if (!absent(error)) {
    if (!isRecord(error) || !onlyKeys(error, ERROR_KEYS)) return false
    if (!absent(error.code) && !Number.isSafeInteger(error.code)) return false
    if (!longOrAbsent(error.message)) return false
  }
  return true
}
