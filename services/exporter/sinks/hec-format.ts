import type { SplunkHecSinkConfig } from '../../../schemas/export.js'
import type { ExportRecord } from '../../../schemas/export-record.js'

/**
 * Splunk HTTP Event Collector's event format (`/services/collector/event`): the record is the
 * `event`; `time` is epoch seconds with milliseconds; `host` is the gateway (for alerts and
 * reports, `mcp-audit`); `sourcetype` tells the kinds apart; `fields` are indexed
 * fields, flat strings only (HEC refuses nested values with code 15), so searches can filter by
 * tenant, server, tool and status without reading the event.
 */
export interface HecEvent {
  time: number
  host: string
  source: string
  sourcetype: string
  index?: string
  event: ExportRecord
  fields: Record<string, string>
}

export const HEC_EVENT_PATH = '/services/collector/event'

/** The endpoint of a configured HEC URL: the event path unless the URL names a path of its own. */
export function hecEndpoint(url: string): string {
  const parsed = new URL(url)
  if (parsed.pathname === '' || parsed.pathname === '/') parsed.pathname = HEC_EVENT_PATH
  return parsed.toString()
}

/** The sourcetype of alerts and of reports; events take the sink's `sourcetype`. */
export const HEC_SOURCETYPES = { alert: 'mcp:audit:alert', report: 'mcp:audit:report' } as const

/** Alerts and reports are mcp-audit's own: that is their host. */
const OWN_HOST = 'mcp-audit'

/** The indexed fields of a record, by kind: what a search filters on without reading the event. */
function indexedFields(record: ExportRecord): Record<string, string | null> {
  switch (record.kind) {
    case 'event':
      return {
        tenant_id: record.tenant_id,
        event_id: record.id,
        mcp_method: record.mcp.method,
        mcp_server: record.mcp.server.name,
        mcp_tool: record.mcp.tool,
        status: record.status,
        user_id: record.user.id,
        decision: record.decision,
        origin: record.origin,
      }
    case 'alert':
      return {
        tenant_id: record.tenant_id,
        alert_id: record.id,
        rule_id: record.rule.id,
        severity: record.rule.severity,
        status: record.status,
      }
    case 'report':
      return { tenant_id: record.tenant_id, report_id: record.id, schedule: record.schedule }
  }
}

export function hecEvent(
  record: ExportRecord,
  sink: Pick<SplunkHecSinkConfig, 'index' | 'source' | 'sourcetype'>,
): HecEvent {
  const fields = Object.fromEntries(
    Object.entries(indexedFields(record)).filter((entry): entry is [string, string] => entry[1] !== null),
  )
  return {
    time: Date.parse(record.time) / 1000,
    host: record.kind === 'event' ? record.gateway.name : OWN_HOST,
    source: sink.source,
    sourcetype: record.kind === 'event' ? sink.sourcetype : HEC_SOURCETYPES[record.kind],
    ...(sink.index === undefined ? {} : { index: sink.index }),
    event: record,
    fields,
  }
}

/** A batch as HEC takes it: the events' JSON objects one after another (newline-separated). */
export function hecBody(
  records: readonly ExportRecord[],
  sink: Pick<SplunkHecSinkConfig, 'index' | 'source' | 'sourcetype'>,
): string {
  return records.map((record) => JSON.stringify(hecEvent(record, sink))).join('\n')
}
