import { parseIp } from '../../../../schemas/cidr.js'
import type { ExportEvent } from '../../../../schemas/export-record.js'
import { severityOf, withoutControls } from './fields.js'

/**
 * ArcSight CEF (Micro Focus "Implementing ArcSight CEF" rev. 25; export-formats.md §2):
 * `CEF:0|Vendor|Product|Version|Signature ID|Name|Severity|Extension`.
 * Header fields escape `\` and `|`, and may hold no newline; extension values escape `\` and `=`
 * and write CR/LF as `\r`/`\n` (a `|` is literal there). Keys are the standard ones of the v25
 * tables (as listed in elastic/beats decode_cef keys.go) plus labelled custom strings and numbers.
 */

export function escapeCefHeader(value: string): string {
  return withoutControls(
    value.replace(/[\\|]/g, (char) => `\\${char}`),
    ' ',
  )
}

export function escapeCefValue(value: string): string {
  const escaped = value.replace(/[\\=\r\n]/g, (char) =>
    char === '\r' ? '\\r' : char === '\n' ? '\\n' : `\\${char}`,
  )
  return withoutControls(escaped, ' ')
}

/** The custom fields and their labels: the cs/cn slot each MCP value takes, fixed for SIEM parsers. */
const CUSTOM_STRINGS = [
  ['cs1', 'mcpTool'],
  ['cs2', 'mcpServer'],
  ['cs3', 'mcpSessionId'],
  ['cs4', 'mcpMethod'],
  ['cs5', 'tenant'],
  ['cs6', 'status'],
] as const
const CUSTOM_NUMBERS = [
  ['cn1', 'redactions'],
  ['cn2', 'durationMs'],
  ['cn3', 'errorCode'],
] as const

export interface CefOptions {
  /** Device Version: the mcp-audit release. */
  version: string
}

export function cefLine(record: ExportEvent, options: CefOptions): string {
  const timeMs = Date.parse(record.time)
  const sourceIsIp = record.source_ip !== null && parseIp(record.source_ip) !== undefined
  const strings: Record<(typeof CUSTOM_STRINGS)[number][0], string | null> = {
    cs1: record.mcp.tool,
    cs2: record.mcp.server.name,
    cs3: record.mcp.session_id,
    cs4: record.mcp.method,
    cs5: record.tenant_id,
    cs6: record.status,
  }
  const numbers: Record<(typeof CUSTOM_NUMBERS)[number][0], number | null> = {
    cn1: record.redaction.count,
    cn2: record.duration_ms === null ? null : Math.round(record.duration_ms),
    cn3: record.error?.code ?? null,
  }
  const extension: Array<[string, string | number | null]> = [
    // Epoch milliseconds: the one time form every CEF parser reads without a year or zone guess.
    ['rt', timeMs],
    ['end', record.duration_ms === null ? null : timeMs + Math.round(record.duration_ms)],
    ['externalId', record.id],
    ['cat', `mcp/${record.mcp.method}`],
    ['act', record.decision],
    ['outcome', record.status === 'success' ? 'success' : 'failure'],
    ['suser', record.user.id],
    // src is an IP address field: anything else would fail the receiver's parse of the whole line.
    // Redaction usually stores a pseudonym (`[IP_ADDRESS:…]`) instead; that goes to a flex string.
    ['src', sourceIsIp ? record.source_ip : null],
    ['flexString1Label', record.source_ip === null || sourceIsIp ? null : 'sourceAddress'],
    ['flexString1', sourceIsIp ? null : record.source_ip],
    ['requestClientApplication', record.user_agent],
    ['request', record.mcp.resource_uri],
    ['deviceProcessName', record.mcp.server.name],
    ['msg', record.error === null ? null : `${record.error.class}: ${record.error.message}`],
    ...CUSTOM_STRINGS.flatMap(([key, label]): Array<[string, string | null]> =>
      strings[key] === null
        ? []
        : [
            [`${key}Label`, label],
            [key, strings[key]],
          ],
    ),
    ...CUSTOM_NUMBERS.flatMap(([key, label]): Array<[string, string | number | null]> =>
      numbers[key] === null
        ? []
        : [
            [`${key}Label`, label],
            [key, numbers[key]],
          ],
    ),
  ]
  const header = [
    'CEF:0',
    'mcp-audit',
    'mcp-audit',
    escapeCefHeader(options.version),
    escapeCefHeader(record.mcp.method),
    escapeCefHeader(`MCP ${record.mcp.method}${record.mcp.tool === null ? '' : ` ${record.mcp.tool}`}`),
    String(severityOf(record).siem),
  ].join('|')
  const pairs = extension
    .filter((pair): pair is [string, string | number] => pair[1] !== null)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? String(value) : escapeCefValue(value)}`)
  return `${header}|${pairs.join(' ')}`
}
