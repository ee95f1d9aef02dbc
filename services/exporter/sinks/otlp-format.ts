import type { OtlpHttpSinkConfig } from '../../../schemas/export.js'
import {
  EXPORT_SCHEMA,
  EXPORT_SCHEMA_VERSION,
  type ExportEvent,
  type ExportRecord,
} from '../../../schemas/export-record.js'
import { alertLogRecord, reportLogRecord } from './otlp-notices.js'
import { Attributes, nanos, SEVERITY, type KeyValue, type LogRecord } from './otlp-values.js'

export type { AnyValue, KeyValue, LogRecord } from './otlp-values.js'

/**
 * OTLP/HTTP logs in the JSON encoding: an `ExportLogsServiceRequest` per batch, in the protobuf
 * JSON mapping OTLP prescribes (lowerCamelCase keys, trace ids in hex, 64-bit integers such as
 * `timeUnixNano` as decimal strings, enums as integers: opentelemetry-proto
 * docs/specification.md, "JSON Protobuf Encoding"). One `resourceLogs` per tenant, so a backend
 * that routes by resource keeps tenants apart.
 *
 * Attribute names follow the OpenTelemetry conventions where one exists (docs/export-otlp.md has
 * the whole table):
 * - MCP (semantic-conventions-genai docs/gen-ai/mcp.md, Development): `mcp.method.name`,
 *   `mcp.session.id`, `mcp.resource.uri`, `jsonrpc.request.id` (a string), `gen_ai.tool.name`,
 *   `gen_ai.prompt.name`, `gen_ai.operation.name` = `execute_tool` on tool calls only, `error.type`
 *   = `tool_error` or the JSON-RPC code as a string; `network.transport` `pipe` for stdio and
 *   `tcp` for HTTP transports. The convention is written for spans and metrics: using it on log
 *   records is ours.
 * - General: `server.address`, `client.address`, `user_agent.original` (stable), `user.id`
 *   (Development), `log.record.uid` (Development, logs registry: records with one uid are
 *   duplicates a backend may drop, which is what at-least-once delivery needs).
 * Everything else is `mcp_audit.*`. `gen_ai.tool.call.arguments`/`.result` are not used: they are
 * opt-in and mean the whole value, while ours are redacted excerpts that may be cut.
 */

export const OTLP_LOGS_PATH = '/v1/logs'
export const OTLP_SERVICE_NAME = 'mcp-audit'
export const OTLP_SCOPE_NAME = 'mcp-audit'
export const OTLP_EVENT_NAME = 'mcp.audit.event'

export interface ExportLogsServiceRequest {
  resourceLogs: Array<{
    resource: { attributes: KeyValue[] }
    scopeLogs: Array<{
      scope: { name: string; version: string; attributes: KeyValue[] }
      logRecords: LogRecord[]
    }>
  }>
}

/** The endpoint of a configured collector URL: `/v1/logs` unless the URL names a path of its own. */
export function otlpEndpoint(url: OtlpHttpSinkConfig['url']): string {
  const parsed = new URL(url)
  if (parsed.pathname === '' || parsed.pathname === '/') parsed.pathname = OTLP_LOGS_PATH
  return parsed.toString()
}

function severityOf(status: ExportEvent['status']) {
  if (status === 'error') return SEVERITY.error
  if (status === 'denied') return SEVERITY.warn
  return SEVERITY.info
}

/** A W3C trace id: 32 hex digits, not all zero (OTLP's JSON mapping takes it in hex). */
const TRACE_ID = /^(?!0{32}$)[0-9a-f]{32}$/

/** `network.transport` of the MCP transports: stdio is a pipe, the HTTP ones run over TCP. */
function networkTransport(transport: string | null): string | undefined {
  const name = transport?.trim().toLowerCase()
  if (name === 'stdio') return 'pipe'
  if (name === 'http' || name === 'sse' || name === 'streamable-http' || name === 'streamable_http')
    return 'tcp'
  return undefined
}

/** `error.type` of the MCP convention: `tool_error` for a tool's own failure, else the JSON-RPC code, else our class. */
function errorType(error: ExportEvent['error']): string | undefined {
  if (error === null) return undefined
  if (error.class === 'tool_error' || error.code === null) return error.class
  return String(error.code)
}

/** A short line a person reads in a log view; the details are in the attributes. */
function bodyOf(event: ExportEvent): string {
  const target = event.mcp.tool ?? event.mcp.prompt ?? event.mcp.resource_uri
  const call = `${event.mcp.method}${target === null ? '' : ` ${target}`} on ${event.mcp.server.name}`
  const outcome = event.error === null ? event.status : `${event.status} (${errorType(event.error)})`
  const duration = event.duration_ms === null ? '' : ` in ${Math.round(event.duration_ms)} ms`
  return `${call}: ${outcome}${duration}`
}

export function eventLogRecord(event: ExportEvent): LogRecord {
  const { mcp, user, error } = event
  const attributes = new Attributes()
    .string('log.record.uid', event.id)
    .string('mcp.method.name', mcp.method)
    .string('gen_ai.operation.name', mcp.method === 'tools/call' ? 'execute_tool' : undefined)
    .string('gen_ai.tool.name', mcp.tool)
    .string('gen_ai.prompt.name', mcp.prompt)
    .string('mcp.resource.uri', mcp.resource_uri)
    .string('mcp.session.id', mcp.session_id)
    .string('jsonrpc.request.id', mcp.request_id)
    .string('server.address', event.attributes['server.address'])
    .string('network.transport', networkTransport(mcp.server.transport))
    .string('error.type', errorType(error))
    .string('client.address', event.source_ip)
    .string('user_agent.original', event.user_agent)
    .string('user.id', user.id)
    .string('mcp_audit.status', event.status)
    .string('mcp_audit.decision', event.decision)
    .string('mcp_audit.origin', event.origin)
    .string('mcp_audit.gateway.name', event.gateway.name)
    .string('mcp_audit.gateway.format', event.gateway.format)
    .string('mcp_audit.server.name', mcp.server.name)
    .string('mcp_audit.server.version', mcp.server.version)
    .string('mcp_audit.server.transport', mcp.server.transport)
    .string('mcp_audit.client.name', event.client.name)
    .string('mcp_audit.client.version', event.client.version)
    .string('mcp_audit.user.id_kind', user.id_kind)
    .strings('mcp_audit.user.roles', user.roles)
    .string('mcp_audit.user.auth_method', user.auth_method)
    .string('mcp_audit.error.class', error?.class)
    .int('mcp_audit.error.code', error?.code ?? null)
    .string('mcp_audit.error.message', error?.message)
    .double('mcp_audit.duration_ms', event.duration_ms)
    .string('mcp_audit.data_region', event.data_region)
    .bool('mcp_audit.tls', event.tls)
    .string('mcp_audit.arguments.excerpt', event.arguments.excerpt)
    .int('mcp_audit.arguments.bytes', event.arguments.bytes)
    .bool('mcp_audit.arguments.truncated', event.arguments.truncated)
    .string('mcp_audit.result.excerpt', event.result.excerpt)
    .int('mcp_audit.result.bytes', event.result.bytes)
    .bool('mcp_audit.result.truncated', event.result.truncated)
    .int('mcp_audit.redaction.count', event.redaction.count)
  for (const [type, count] of Object.entries(event.redaction.findings).sort(([a], [b]) => a.localeCompare(b)))
    attributes.int(`mcp_audit.redaction.findings.${type}`, count)
  attributes
    .string('mcp_audit.content_hash', event.content_hash)
    .string('mcp_audit.received_at', event.received_at)
    .int('mcp_audit.position.partition', event.position.partition)
    .int('mcp_audit.position.offset', event.position.offset)
  for (const [key, value] of Object.entries(event.attributes).sort(([a], [b]) => a.localeCompare(b)))
    attributes.string(`mcp_audit.attributes.${key}`, value)

  const traceId = event.trace_id?.toLowerCase()
  const traced = traceId !== undefined && TRACE_ID.test(traceId)
  if (!traced) attributes.string('mcp_audit.trace_id', event.trace_id)
  return {
    timeUnixNano: nanos(event.time),
    observedTimeUnixNano: nanos(event.ingested_at),
    ...severityOf(event.status),
    eventName: OTLP_EVENT_NAME,
    body: { stringValue: bodyOf(event) },
    attributes: attributes.list,
    ...(traced ? { traceId } : {}),
  }
}

export function logRecordOf(record: ExportRecord): LogRecord {
  switch (record.kind) {
    case 'event':
      return eventLogRecord(record)
    case 'alert':
      return alertLogRecord(record)
    case 'report':
      return reportLogRecord(record)
  }
}

/** A batch as one request: a `resourceLogs` per tenant, in the order the tenants first appear. */
export function otlpRequest(records: readonly ExportRecord[]): ExportLogsServiceRequest {
  const byTenant = new Map<string, LogRecord[]>()
  for (const record of records) {
    const list = byTenant.get(record.tenant_id) ?? []
    list.push(logRecordOf(record))
    byTenant.set(record.tenant_id, list)
  }
  return {
    resourceLogs: [...byTenant].map(([tenant, logRecords]) => ({
      resource: {
        attributes: new Attributes()
          .string('service.name', OTLP_SERVICE_NAME)
          .string('mcp_audit.tenant.id', tenant).list,
      },
      scopeLogs: [
        {
          scope: {
            name: OTLP_SCOPE_NAME,
            version: String(EXPORT_SCHEMA_VERSION),
            attributes: new Attributes().string('mcp_audit.export.schema', EXPORT_SCHEMA).list,
          },
          logRecords,
        },
      ],
    })),
  }
}

/** What a collector's 200 answer says it did not take (`partialSuccess`); undefined when it took everything. */
export interface PartialSuccess {
  rejected: number
  message: string
}

/**
 * Reads an `ExportLogsServiceResponse`. An empty body or `{}` is full success; a body that is not
 * the JSON we asked for (a proxy's page) is not a rejection either: the collector said 200.
 */
export function partialSuccessOf(body: string): PartialSuccess | undefined {
  if (body.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  const partial = (parsed as { partialSuccess?: unknown } | null)?.partialSuccess
  if (partial === null || typeof partial !== 'object') return undefined
  const { rejectedLogRecords, errorMessage } = partial as Record<string, unknown>
  const count =
    typeof rejectedLogRecords === 'string' || typeof rejectedLogRecords === 'number'
      ? Number(rejectedLogRecords)
      : 0
  const rejected = Number.isSafeInteger(count) && count > 0 ? count : 0
  const message = typeof errorMessage === 'string' ? errorMessage : ''
  // The spec's warning form: everything taken, with a message worth reading.
  if (rejected === 0 && message === '') return undefined
  return { rejected, message }
}
