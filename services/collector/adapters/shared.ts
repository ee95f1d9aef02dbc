import { Timestamp, type EventStatus } from '../../../schemas/event.js'
import type { AdaptOutcome, AdapterContext } from './types.js'

/** Value used where a gateway does not say which server or tool was involved. */
export const UNKNOWN = 'unknown'

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined
}

/** A non-empty string; numbers become strings. Envoy prints `-` for an empty field, so that is empty too. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim()
    return trimmed === '' || trimmed === '-' ? undefined : trimmed
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** A finite number, also from a numeric string (access logs often quote numbers). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return undefined
}

/** JSON-RPC ids are strings or numbers; anything else is not an id. */
export function requestId(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  return text(value)
}

export function ok(events: unknown[]): AdaptOutcome {
  return { kind: 'ok', events }
}

export function invalid(path: string, message: string): AdaptOutcome {
  return { kind: 'invalid', path, message }
}

/** Drops undefined members so a mapped event carries only what the gateway said. */
export function compact(record: JsonObject): JsonObject {
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value
  return out
}

/** Keys of `record` not in `consumed`, without null/empty values: the gateway extras kept in `attributes`. */
export function rest(record: JsonObject, consumed: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(record)) {
    if (consumed.has(key) || value === null || value === undefined || value === '' || value === '-') continue
    out[key] = value
  }
  return out
}

/** Strings that hold JSON (Kong payloads, OTel `gen_ai.tool.call.arguments`) become values; others stay as they are. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value
  try {
    return JSON.parse(trimmed) as unknown
  } catch {
    return value
  }
}

function epochToIso(value: number): string | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined
  // Gateways use seconds, milliseconds, microseconds or nanoseconds since the epoch; the magnitude tells which.
  const ms = value < 1e11 ? value * 1000 : value < 1e14 ? value : value < 1e17 ? value / 1e3 : value / 1e6
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** OTLP `timeUnixNano` (a decimal string) to ISO 8601 without losing the sub-millisecond digits. */
export function fromUnixNanos(value: unknown): string | undefined {
  const digits =
    typeof value === 'number' ? String(Math.trunc(value)) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d+$/.test(digits) || /^0+$/.test(digits)) return undefined
  const nanos = BigInt(digits)
  const seconds = new Date(Number(nanos / 1_000_000n)).toISOString().slice(0, 19)
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '')
  return `${seconds}${fraction ? `.${fraction}` : ''}Z`
}

const NAIVE_ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?$/

/**
 * Normalises a gateway time to ISO 8601 with an offset. Times without a zone are taken as UTC
 * (ContextForge and Python loggers write naive UTC). An unparseable string is returned unchanged so
 * that validation names it instead of the event silently getting another time.
 */
export function toTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number') return epochToIso(value)
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const raw = value.trim()
  if (Timestamp.safeParse(raw).success) return raw
  if (/^\d{16,}$/.test(raw)) return fromUnixNanos(raw.padEnd(19, '0'))
  if (/^\d+(\.\d+)?$/.test(raw)) return epochToIso(Number(raw))
  const naive = NAIVE_ISO.exec(raw)
  if (naive) return `${naive[1]}T${naive[2]}${naive[3] ?? ':00'}Z`
  const withT = raw.replace(' ', 'T')
  if (Timestamp.safeParse(withT).success) return withT
  const parsed = Date.parse(raw)
  return Number.isNaN(parsed) ? raw : new Date(parsed).toISOString()
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)?$/
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000 }

/** Milliseconds from a number (already ms) or a string such as agentgateway's `"716ms"`; negatives mean "none". */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION.exec(value.trim())
  if (!match) return undefined
  return Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1)
}

/** The address part of `ip:port`, `[v6]:port` or a bare address. */
export function hostOf(address: unknown): string | undefined {
  const value = text(address)
  if (!value) return undefined
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value)
  if (bracketed) return bracketed[1]
  const colons = value.split(':').length - 1
  return colons === 1 ? value.slice(0, value.indexOf(':')) : value
}

/** The client address from `X-Forwarded-For` (first hop), else the peer address. */
export function clientAddress(forwardedFor: unknown, peer: unknown): string | undefined {
  const firstHop = text(forwardedFor)?.split(',')[0]?.trim()
  return firstHop ? hostOf(firstHop) : hostOf(peer)
}

/** MCP: a tool failure comes back as a result with `isError: true`, not as a JSON-RPC error. */
export function isToolError(result: unknown): boolean {
  return isObject(result) && (result.isError === true || result.isError === 'true')
}

export function looksLikeTimeout(message: unknown): boolean {
  return typeof message === 'string' && /time[ds]?[\s_-]?out|deadline[\s_]exceeded/i.test(message)
}

export type StatusSignals = { denied?: boolean; timeout?: boolean; failed?: boolean; completed?: boolean }

/** One precedence for every format: denied, then timeout, then error, then success; else unknown. */
export function deriveStatus(signals: StatusSignals): EventStatus | undefined {
  if (signals.denied) return 'denied'
  if (signals.timeout) return 'timeout'
  if (signals.failed) return 'error'
  if (signals.completed) return 'success'
  return undefined
}

/** What an HTTP status says about an MCP call; 429 is a refusal by policy, so it counts as denied. */
export function httpSignals(status: number | undefined): StatusSignals {
  if (status === undefined || status === 0) return {}
  return {
    denied: status === 401 || status === 403 || status === 429,
    timeout: status === 408 || status === 504,
    failed: status >= 400,
    completed: status < 400,
  }
}

const STATUS_SYNONYMS: Record<string, EventStatus> = {
  success: 'success',
  succeeded: 'success',
  ok: 'success',
  completed: 'success',
  error: 'error',
  failed: 'error',
  failure: 'error',
  fail: 'error',
  application_error: 'error',
  tool_error: 'error',
  denied: 'denied',
  deny: 'denied',
  blocked: 'denied',
  forbidden: 'denied',
  unauthorized: 'denied',
  rejected: 'denied',
  timeout: 'timeout',
  timed_out: 'timeout',
  timedout: 'timeout',
  deadline_exceeded: 'timeout',
}

/** A gateway's own status word in our terms; an unknown word is returned unchanged so validation reports it. */
export function normalizeStatus(value: unknown): unknown {
  if (typeof value !== 'string') return value
  return STATUS_SYNONYMS[value.trim().toLowerCase()] ?? value
}

/** The record's server, else `?server=`, else {@link UNKNOWN}. */
export function serverName(ctx: AdapterContext, ...candidates: unknown[]): string {
  for (const candidate of candidates) {
    const name = text(candidate)
    if (name) return name
  }
  return ctx.serverName ?? UNKNOWN
}

export type McpPrimitive = 'tool' | 'resource' | 'prompt'

export const PRIMITIVE_METHOD: Record<McpPrimitive, string> = {
  tool: 'tools/call',
  resource: 'resources/read',
  prompt: 'prompts/get',
}

export type McpTarget = {
  tool?: string
  prompt?: string
  resource_uri?: string
  arguments?: unknown
  client?: JsonObject
  protocol_version?: string
}

const CLIENT_INFO_META = 'io.modelcontextprotocol/clientInfo'
const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion'

/**
 * What a JSON-RPC request's `params` say about the call: the tool/prompt/resource, the arguments, and
 * the client (2026-07-28 puts clientInfo in `_meta` of every request; earlier revisions in `initialize`).
 */
export function targetFromParams(method: string | undefined, params: unknown): McpTarget {
  if (!isObject(params)) return {}
  const { _meta: meta, ...withoutMeta } = params
  const clientInfo = obj(obj(meta)?.[CLIENT_INFO_META]) ?? obj(params.clientInfo)
  const client = clientInfo
    ? compact({ name: text(clientInfo.name), version: text(clientInfo.version) })
    : undefined
  const target: McpTarget = {
    client,
    protocol_version: text(obj(meta)?.[PROTOCOL_VERSION_META]) ?? text(params.protocolVersion),
  }
  if (method === 'tools/call') return { ...target, tool: text(params.name), arguments: params.arguments }
  if (method === 'prompts/get') return { ...target, prompt: text(params.name), arguments: params.arguments }
  if (method?.startsWith('resources/') && typeof params.uri === 'string') {
    return { ...target, resource_uri: params.uri }
  }
  return Object.keys(withoutMeta).length > 0 ? { ...target, arguments: withoutMeta } : target
}

/** A JSON-RPC style error from loose parts; a non-integer code (e.g. `"internal_error"`) goes into `data.type`. */
export function errorFrom(code: unknown, message: unknown, data?: unknown): JsonObject | undefined {
  const numeric = num(code)
  const integer = numeric !== undefined && Number.isInteger(numeric) ? numeric : undefined
  const kind = integer === undefined ? text(code) : undefined
  const msg = typeof message === 'string' && message.trim() !== '' ? message : undefined
  const extra =
    kind !== undefined
      ? isObject(data)
        ? { type: kind, ...data }
        : compact({ type: kind, detail: data })
      : data
  if (integer === undefined && msg === undefined && extra === undefined) return undefined
  return compact({ code: integer, message: msg, data: extra })
}

/** A JSON-RPC `error` member (object) or a gateway's plain error string. */
export function errorFromRpc(error: unknown): JsonObject | undefined {
  if (isObject(error)) return errorFrom(error.code, error.message, error.data)
  return errorFrom(undefined, typeof error === 'string' ? error : undefined)
}

const CREDENTIAL_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey)$/i

/**
 * Replaces credential headers (Authorization, Cookie, API keys) found anywhere in gateway extras.
 * Access logs that dump all request headers would otherwise carry bearer tokens into `attributes`,
 * which downstream redaction does not treat as free text.
 */
export function scrubCredentials(value: unknown, depth = 0): unknown {
  if (depth > 8) return value
  if (Array.isArray(value)) return value.map((item) => scrubCredentials(item, depth + 1))
  if (!isObject(value)) return value
  const out: JsonObject = {}
  for (const [key, inner] of Object.entries(value)) {
    out[key] = CREDENTIAL_KEY.test(key) && inner !== null ? '[REDACTED]' : scrubCredentials(inner, depth + 1)
  }
  return out
}
