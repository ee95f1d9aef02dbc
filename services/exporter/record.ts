import {
  EXPORT_SCHEMA,
  EXPORT_SCHEMA_VERSION,
  type ExportAlert,
  type ExportEvent,
  type ExportReport,
} from '../../schemas/export-record.js'
import type { ReadyReport, StoredAlert } from './notice-read.js'
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

/** `console.publicUrl` (or the console's local address) without its trailing slash. */
const base = (consoleUrl: string) => consoleUrl.replace(/\/$/, '')

/**
 * The export record of an alert: the content of its `alert.fired` webhook (schemas/alert.ts), with
 * the same console link. Severity, kind and status come from the table's enums.
 */
export function toExportAlert(row: StoredAlert, consoleUrl: string): ExportAlert {
  return {
    schema: EXPORT_SCHEMA,
    v: EXPORT_SCHEMA_VERSION,
    kind: 'alert',
    id: row.alert_id,
    tenant_id: row.tenant_id,
    time: iso(row.created_ms),
    rule: {
      id: row.rule_id,
      title: row.rule_title,
      severity: row.severity as ExportAlert['rule']['severity'],
      tags: row.tags,
      kind: row.rule_kind as ExportAlert['rule']['kind'],
    },
    group: row.group_values,
    count: row.count,
    value: row.value,
    first_seen: iso(row.first_ms),
    last_seen: iso(row.last_ms),
    sample_event_ids: row.sample_event_ids,
    summary: row.summary,
    status: row.status as ExportAlert['status'],
    url: `${base(consoleUrl)}/#/alerts/${row.alert_id}`,
  }
}

/**
 * The export record of a ready report: its `report.ready` notice (links as the notice gives them:
 * only with `console.publicUrl`) plus the frameworks and the manifest's signature.
 */
export function toExportReport(row: ReadyReport, publicUrl: string | undefined): ExportReport {
  const link = (suffix: string) =>
    `${base(publicUrl ?? '')}/api/v1/reports/${encodeURIComponent(row.report_id)}${suffix}`
  const links: Record<string, string> = {}
  if (publicUrl) {
    links.report = link('')
    links.manifest = link('/manifest')
    for (const format of row.formats) links[format] = link(`/${format}`)
  }
  return {
    schema: EXPORT_SCHEMA,
    v: EXPORT_SCHEMA_VERSION,
    kind: 'report',
    id: row.report_id,
    tenant_id: row.tenant_id,
    time: iso(row.ready_ms),
    name: row.name,
    schedule: row.schedule,
    period: { from: iso(row.period_from_ms), to: iso(row.period_to_ms), timezone: row.timezone },
    frameworks: row.frameworks,
    formats: row.formats,
    checks: { pass: row.checks_pass, warn: row.checks_warn, fail: row.checks_fail },
    manifest: {
      sha256: row.manifest_sha256,
      signature:
        row.signature === ''
          ? null
          : { algorithm: 'Ed25519', key_id: row.signature_key_id, value: row.signature },
    },
    links,
  }
}
