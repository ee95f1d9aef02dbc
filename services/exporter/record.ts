import { EXPORT_SCHEMA, EXPORT_SCHEMA_VERSION, type ExportEvent } from '../../schemas/export-record.js'
import type { StoredEvent } from './read.js'

/** An empty stored string is an absent value. */
const orNull = (value: string): string | null => (value === '' ? null : value)

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * The export record of one stored row: the same redacted values, grouped and named for readers
 * outside mcp-audit (schemas/export-record.ts). Nothing is read from anywhere but the row.
 */
export function toExportEvent(row: StoredEvent): ExportEvent {
  return {
    schema: EXPORT_SCHEMA,
    v: EXPORT_SCHEMA_VERSION,
    kind: 'event',
    id: row.event_id,
    tenant_id: row.tenant_id,
    time: iso(row.occurred_ms),
    received_at: iso(row.received_ms),
    ingested_at: iso(row.ingested_ms),
    gateway: { name: row.gateway, format: row.gateway_format },
    origin: row.origin,
    mcp: {
      method: row.method,
      server: {
        name: row.server_name,
        version: orNull(row.server_version),
        transport: orNull(row.server_transport),
      },
      tool: orNull(row.tool),
      resource_uri: orNull(row.resource_uri),
      prompt: orNull(row.prompt),
      session_id: orNull(row.session_id),
      request_id: orNull(row.request_id),
    },
    trace_id: orNull(row.trace_id),
    client: { name: orNull(row.client_name), version: orNull(row.client_version) },
    user: {
      id: orNull(row.user_id),
      id_kind: row.user_id_kind,
      roles: row.user_roles,
      auth_method: orNull(row.auth_method),
    },
    source_ip: orNull(row.source_ip),
    user_agent: orNull(row.user_agent),
    arguments: {
      excerpt: row.arguments,
      bytes: row.arguments_bytes,
      truncated: row.arguments_truncated,
    },
    result: { excerpt: row.result, bytes: row.result_bytes, truncated: row.result_truncated },
    status: row.status,
    error:
      row.error_class === ''
        ? null
        : { class: row.error_class, code: row.error_code, message: row.error_message },
    duration_ms: row.duration_ms,
    decision: orNull(row.decision),
    data_region: orNull(row.data_region),
    tls: row.tls,
    attributes: row.attributes,
    redaction: {
      findings: row.redaction_findings,
      count: Object.values(row.redaction_findings).reduce((sum, count) => sum + count, 0),
    },
    content_hash: row.content_hash,
    position: { partition: row.source_partition, offset: row.source_offset },
  }
}
