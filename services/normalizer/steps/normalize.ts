import type { AuditRow, ErrorClass, EventOrigin } from '../../../schemas/audit-row.js'
import { AUDIT_ROW_VERSION } from '../../../schemas/audit-row.js'
import type { EventStatus } from '../../../schemas/event.js'
import type { RawEnvelope } from '../../../schemas/raw-envelope.js'
import type { StepResult } from './results.js'

/** Fields that still hold clear text; the redact step turns them into their stored form. */
export interface ClearPayload {
  /**
   * Identifiers a gateway copies from the client: a tool or prompt name can carry a pasted value,
   * request and trace ids are whatever the client chose, and a session id lets whoever holds it
   * speak in that MCP session.
   */
  tool: string
  prompt: string
  sessionId: string
  requestId: string
  traceId: string
  clientName: string
  userId: string | null
  sourceIp: string | null
  userAgent: string | null
  resourceUri: string | null
  arguments: unknown
  result: unknown
  errorMessage: string | null
  attributes: Record<string, unknown>
}

type RedactedColumns =
  | 'tool'
  | 'prompt'
  | 'session_id'
  | 'request_id'
  | 'trace_id'
  | 'client_name'
  | 'user_id'
  | 'user_id_kind'
  | 'source_ip'
  | 'user_agent'
  | 'resource_uri'
  | 'arguments'
  | 'arguments_bytes'
  | 'arguments_truncated'
  | 'result'
  | 'result_bytes'
  | 'result_truncated'
  | 'error_message'
  | 'attributes'
  | 'redaction_findings'

export interface NormalizedEvent {
  row: Omit<AuditRow, RedactedColumns | 'content_hash'>
  clear: ClearPayload
}

export interface NormalizeContext {
  partition: number
  offset: number
  /** Whether the message came from mcp-audit's self-audit producer (its Kafka header); `gateway` when unset. */
  origin?: EventOrigin
  /** Days the tenant keeps events (its retention maximum); decides `retention_until`. */
  retentionDays: (tenantId: string) => number
  now?: () => Date
}

/** JSON-RPC codes that mean the client sent something wrong (MCP and OTel do not count them as server errors). */
const CLIENT_ERROR_CODES = new Set([-32700, -32600, -32601, -32602, -32002])

function resultIsError(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true
}

/** Status as sent, else derived the MCP way: a JSON-RPC error or `isError` is an error, a deny a denial. */
export function deriveStatus(event: RawEnvelope['event']): EventStatus {
  if (event.status) return event.status
  if (event.decision === 'deny') return 'denied'
  if (event.error && (event.error.code !== undefined || event.error.message)) return 'error'
  if (resultIsError(event.result)) return 'error'
  return 'success'
}

export function classifyError(status: EventStatus, event: RawEnvelope['event']): ErrorClass {
  if (status === 'success') return ''
  if (status === 'denied') return 'denied'
  if (status === 'timeout') return 'timeout'
  const code = event.error?.code
  if (typeof code === 'number') return CLIENT_ERROR_CODES.has(code) ? 'client_error' : 'server_error'
  if (resultIsError(event.result)) return 'tool_error'
  return 'unknown_error'
}

function iso(value: string): string | undefined {
  const time = Date.parse(value)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

const DAY_MS = 86_400_000

/** The collector's envelope → the canonical row, with clear-text fields set aside for redaction. */
export function normalizeEnvelope(envelope: RawEnvelope, ctx: NormalizeContext): StepResult<NormalizedEvent> {
  const { event } = envelope
  const occurredAt = iso(event.timestamp)
  const receivedAt = iso(envelope.received_at)
  if (!occurredAt || !receivedAt)
    return { kind: 'dlq', reason: 'timestamp or received_at is not a valid time' }
  const occurredMs = Date.parse(occurredAt)
  if (occurredMs < Date.UTC(2000, 0, 1) || occurredMs > Date.UTC(2200, 0, 1)) {
    return { kind: 'dlq', reason: `timestamp ${occurredAt} is outside 2000–2200; check the gateway clock` }
  }
  const status = deriveStatus(event)
  const retentionDays = ctx.retentionDays(envelope.tenant_id)
  const retentionUntil = new Date(occurredMs + retentionDays * DAY_MS).toISOString().slice(0, 10)
  const code = event.error?.code
  return {
    kind: 'ok',
    value: {
      row: {
        tenant_id: envelope.tenant_id,
        event_id: event.event_id ?? '',
        schema_version: AUDIT_ROW_VERSION,
        occurred_at: occurredAt,
        received_at: receivedAt,
        ingested_at: (ctx.now?.() ?? new Date()).toISOString(),
        gateway: envelope.gateway,
        gateway_format: envelope.format,
        method: event.method,
        server_name: event.server.name,
        server_version: event.server.version ?? '',
        server_transport: event.server.transport ?? '',
        client_version: event.client?.version ?? '',
        user_roles: event.user?.roles ?? [],
        auth_method: event.user?.auth_method ?? '',
        status,
        error_class: classifyError(status, event),
        error_code:
          typeof code === 'number' && Number.isInteger(code) && Math.abs(code) < 2 ** 31 ? code : null,
        duration_ms: event.duration_ms ?? null,
        decision: event.decision ?? '',
        data_region: event.data_region ?? '',
        tls: event.tls ?? null,
        retention_until: retentionUntil,
        source_partition: ctx.partition,
        source_offset: ctx.offset,
        origin: ctx.origin ?? 'gateway',
      },
      clear: {
        tool: event.tool ?? '',
        prompt: event.prompt ?? '',
        sessionId: event.session_id ?? '',
        requestId:
          event.request_id === null || event.request_id === undefined ? '' : String(event.request_id),
        traceId: event.trace_id ?? '',
        clientName: event.client?.name ?? '',
        userId: event.user?.id ?? null,
        sourceIp: event.source_ip ?? null,
        userAgent: event.user_agent ?? null,
        resourceUri: event.resource_uri ?? null,
        arguments: event.arguments,
        result: event.result,
        errorMessage: event.error?.message ?? null,
        attributes: event.attributes ?? {},
      },
    },
  }
}
