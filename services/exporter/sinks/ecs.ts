import { parseIp } from '../../../schemas/cidr.js'
import {
  EXPORT_SCHEMA,
  EXPORT_SCHEMA_VERSION,
  type ExportAlert,
  type ExportEvent,
  type ExportRecord,
  type ExportReport,
} from '../../../schemas/export-record.js'

/**
 * The export record under Elastic Common Schema names (export-formats.md §5), for sinks that feed
 * Elasticsearch directly. ECS fields where ECS has one (`@timestamp`, `event.*`, `user.*`,
 * `source.ip`, `user_agent.original`, `service.*`, `error.*`, `trace.id`, `organization.id` for
 * the tenant); the GenAI tool name in ECS's beta `gen_ai` fieldset; everything MCP-specific under
 * `mcp.*` (ECS has no MCP fields, and custom fields belong in a namespace of their own). Absent
 * values are left out, as Elastic's own integrations do, instead of sent as null.
 */

/** The ECS release whose field definitions this mapping follows (`gen_ai` is beta there). */
export const ECS_VERSION = '9.0.0'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined }
export type EcsDocument = { [key: string]: Json | undefined }

/** Drops undefined and null members and objects left empty, recursively. */
function compact(value: EcsDocument): EcsDocument | undefined {
  const out: EcsDocument = {}
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || member === null) continue
    if (typeof member === 'object' && !Array.isArray(member)) {
      const inner = compact(member)
      if (inner !== undefined) out[key] = inner
    } else {
      out[key] = member
    }
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/** `event.outcome` is the producer's view: a denied or timed out call did not succeed. */
const OUTCOME = { success: 'success', error: 'failure', denied: 'failure', timeout: 'failure' } as const

export function toEcs(record: ExportRecord): EcsDocument {
  switch (record.kind) {
    case 'event':
      return ecsEvent(record)
    case 'alert':
      return ecsAlert(record)
    case 'report':
      return ecsReport(record)
  }
}

/** ECS's `event.severity` is numeric: the rule's severity on a 0–100 scale, as Elastic's own rules use. */
const RISK = { info: 0, low: 21, medium: 47, high: 73, critical: 99 } as const

/** An alert as ECS describes a detection (`event.kind: alert`, `rule.*`). */
function ecsAlert(alert: ExportAlert): EcsDocument {
  return (
    compact({
      '@timestamp': alert.time,
      ecs: { version: ECS_VERSION },
      message: alert.summary,
      event: {
        id: alert.id,
        kind: 'alert',
        category: ['intrusion_detection'],
        type: ['indicator'],
        severity: RISK[alert.rule.severity],
        start: alert.first_seen,
        end: alert.last_seen,
        dataset: 'mcp_audit.alerts',
        url: alert.url === '' ? null : alert.url,
      },
      rule: { id: alert.rule.id, name: alert.rule.title, category: alert.rule.kind },
      tags: alert.rule.tags.length > 0 ? alert.rule.tags : null,
      organization: { id: alert.tenant_id },
      observer: { vendor: 'mcp-audit', product: 'mcp-audit', type: 'audit' },
      mcp: {
        export: { schema: EXPORT_SCHEMA, v: EXPORT_SCHEMA_VERSION },
        alert: {
          status: alert.status,
          severity: alert.rule.severity,
          count: alert.count,
          value: alert.value,
          group: { ...alert.group },
          sample_event_ids: alert.sample_event_ids,
        },
      },
    }) ?? {}
  )
}

/** A report-ready notice: a plain ECS event in the configuration category, the proof under `mcp.report`. */
function ecsReport(report: ExportReport): EcsDocument {
  return (
    compact({
      '@timestamp': report.time,
      ecs: { version: ECS_VERSION },
      message: `report ${report.name} ready: ${report.checks.pass} pass, ${report.checks.warn} warn, ${report.checks.fail} fail`,
      event: {
        id: report.id,
        kind: 'event',
        category: ['configuration'],
        type: ['info'],
        start: report.period.from,
        end: report.period.to,
        dataset: 'mcp_audit.reports',
      },
      organization: { id: report.tenant_id },
      observer: { vendor: 'mcp-audit', product: 'mcp-audit', type: 'audit' },
      mcp: {
        export: { schema: EXPORT_SCHEMA, v: EXPORT_SCHEMA_VERSION },
        report: {
          name: report.name,
          schedule: report.schedule,
          timezone: report.period.timezone,
          frameworks: report.frameworks,
          formats: report.formats,
          checks: { ...report.checks },
          manifest: {
            sha256: report.manifest.sha256,
            signature: report.manifest.signature === null ? null : { ...report.manifest.signature },
          },
          links: { ...report.links },
        },
      },
    }) ?? {}
  )
}

function ecsEvent(record: ExportEvent): EcsDocument {
  const sourceIp = record.source_ip !== null && parseIp(record.source_ip) ? record.source_ip : null
  const denied = record.status === 'denied' || record.decision === 'deny'
  return (
    compact({
      '@timestamp': record.time,
      ecs: { version: ECS_VERSION },
      event: {
        id: record.id,
        kind: 'event',
        category: ['api'],
        type: ['access', denied ? 'denied' : 'allowed'],
        action: record.mcp.method,
        outcome: OUTCOME[record.status],
        // ECS durations are nanoseconds.
        duration: record.duration_ms === null ? null : Math.round(record.duration_ms * 1_000_000),
        created: record.received_at,
        ingested: record.ingested_at,
        dataset: 'mcp_audit.events',
        provider: record.gateway.name,
      },
      organization: { id: record.tenant_id },
      user: { id: record.user.id, roles: record.user.roles.length > 0 ? record.user.roles : null },
      // source.ip is an ip field in Elasticsearch: a redacted address (a pseudonym) would fail the
      // document, so it goes to the keyword source.address only.
      source: { ip: sourceIp, address: record.source_ip },
      user_agent: { original: record.user_agent },
      service: { name: record.mcp.server.name, version: record.mcp.server.version },
      error:
        record.error === null
          ? null
          : {
              type: record.error.class,
              code: record.error.code === null ? null : String(record.error.code),
              message: record.error.message,
            },
      trace: { id: record.trace_id },
      related: {
        user: record.user.id === null ? null : [record.user.id],
        ip: sourceIp === null ? null : [sourceIp],
      },
      observer: { vendor: 'mcp-audit', product: 'mcp-audit', type: 'audit' },
      gen_ai: {
        tool: { name: record.mcp.tool },
        operation: { name: record.mcp.method === 'tools/call' ? 'execute_tool' : null },
      },
      mcp: {
        export: { schema: EXPORT_SCHEMA, v: EXPORT_SCHEMA_VERSION },
        method: { name: record.mcp.method },
        session: { id: record.mcp.session_id },
        request: { id: record.mcp.request_id },
        server: { name: record.mcp.server.name, transport: record.mcp.server.transport },
        resource: { uri: record.mcp.resource_uri },
        prompt: { name: record.mcp.prompt },
        client: { name: record.client.name, version: record.client.version },
        gateway: { name: record.gateway.name, format: record.gateway.format },
        origin: record.origin,
        status: record.status,
        decision: record.decision,
        user: { id_kind: record.user.id_kind, auth_method: record.user.auth_method },
        arguments: { ...record.arguments },
        result: { ...record.result },
        redaction: { count: record.redaction.count, findings: { ...record.redaction.findings } },
        data_region: record.data_region,
        tls: record.tls,
        attributes: { ...record.attributes },
        content_hash: record.content_hash === '' ? null : record.content_hash,
        position: { ...record.position },
      },
    }) ?? {}
  )
}
