import { parseIp } from '../../../../schemas/cidr.js'
import type { ExportEvent } from '../../../../schemas/export-record.js'
import { asciiToken, severityOf, withoutControls } from './fields.js'

/**
 * IBM QRadar LEEF 2.0 (export-formats.md §2):
 * `LEEF:2.0|Vendor|Product|Version|EventID|DelimiterCharacter|` then `key=value` attributes
 * separated by the delimiter. We declare tab (`x09`, LEEF 1.0's fixed delimiter), which no value
 * keeps: LEEF defines no escape for the delimiter inside a value, so tabs and other control
 * characters in values become spaces. A value splits at its first `=` only, so `=` needs no
 * escape. QRadar maps EventID with `cat` to a QID: EventID is the MCP method and `cat` the call's
 * status, both stable vocabularies, so one mapping per pair serves every tenant.
 */

const DELIMITER = '\t'
const DELIMITER_DECLARATION = 'x09'

/** devTime as ISO 8601 with milliseconds and `Z`, described for QRadar's Java date parser. */
const DEV_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSX"

export function leefValue(value: string): string {
  return withoutControls(value, ' ')
}

/**
 * A header field: printable ASCII without `|` (LEEF gives no escape there either); the header
 * fields we fill are identifiers, so a replaced character costs nothing a reader needs.
 */
function headerField(value: string): string {
  return asciiToken(value, 255).replace(/\|/g, '_')
}

export interface LeefOptions {
  /** Product Version: the mcp-audit release. */
  version: string
}

export function leefLine(record: ExportEvent, options: LeefOptions): string {
  const sourceIp = record.source_ip !== null && parseIp(record.source_ip) ? record.source_ip : null
  const attributes: Array<[string, string | number | null]> = [
    ['devTime', record.time],
    ['devTimeFormat', DEV_TIME_FORMAT],
    ['cat', record.status],
    ['sev', severityOf(record).siem],
    ['src', sourceIp],
    // What the store holds for the source: usually a pseudonym (`[IP_ADDRESS:…]`), never an IP then.
    ['sourceAddress', record.source_ip],
    ['usrName', record.user.id],
    // The user was identified at this address (QRadar's identity source).
    ['identSrc', record.user.id === null ? null : sourceIp],
    ['externalId', record.id],
    ['tenant', record.tenant_id],
    ['mcpMethod', record.mcp.method],
    ['mcpServer', record.mcp.server.name],
    ['mcpTool', record.mcp.tool],
    ['mcpSessionId', record.mcp.session_id],
    ['resource', record.mcp.resource_uri],
    ['decision', record.decision],
    ['userAgent', record.user_agent],
    ['durationMs', record.duration_ms === null ? null : Math.round(record.duration_ms)],
    ['redactions', record.redaction.count],
    ['errorClass', record.error?.class ?? null],
    ['errorCode', record.error?.code ?? null],
    ['errorMessage', record.error?.message ?? null],
  ]
  const header = [
    'LEEF:2.0',
    'mcp-audit',
    'mcp-audit',
    headerField(options.version),
    headerField(record.mcp.method),
    DELIMITER_DECLARATION,
  ].join('|')
  const pairs = attributes
    .filter((pair): pair is [string, string | number] => pair[1] !== null)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? String(value) : leefValue(value)}`)
  return `${header}|${pairs.join(DELIMITER)}`
}
