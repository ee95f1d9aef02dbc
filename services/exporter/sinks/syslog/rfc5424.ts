import { EXPORT_SCHEMA, EXPORT_SCHEMA_VERSION, type ExportEvent } from '../../../../schemas/export-record.js'
import { SYSLOG_FACILITIES, type SyslogFacility } from '../../../../schemas/export.js'
import { toEcs } from '../ecs.js'
import { asciiToken, severityOf, withoutControls } from './fields.js'

/**
 * RFC 5424 syslog messages (export-formats.md §3):
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. The header fields are printable
 * US-ASCII (APP-NAME ≤ 48, MSGID ≤ 32, HOSTNAME ≤ 255), `-` is nil. PROCID is always nil so that a
 * record sent again after a crash is the same bytes.
 */

export interface SyslogHeaderOptions {
  facility: SyslogFacility
  hostname: string
  appName: string
}

/** The header up to and including MSGID (the method, the type of message §6.2.7 asks for). */
export function syslogHeader(record: ExportEvent, options: SyslogHeaderOptions): string {
  const pri = SYSLOG_FACILITIES[options.facility] * 8 + severityOf(record).syslog
  // toISOString has millisecond precision and `Z`: within §6.2.3's at most 6 fractional digits.
  const timestamp = new Date(record.time).toISOString()
  return [
    `<${pri}>1`,
    timestamp,
    asciiToken(options.hostname, 255),
    asciiToken(options.appName, 48),
    '-',
    asciiToken(record.mcp.method, 32),
  ].join(' ')
}

/**
 * A PARAM-VALUE (§6.3.3): `"`, `\` and `]` escaped with a backslash. Control characters are
 * replaced, since the value could otherwise end a line for a receiver splitting on newlines; the
 * exact value stays in the JSON MSG.
 */
export function escapeParamValue(value: string): string {
  return withoutControls(value).replace(/["\\\]]/g, (char) => `\\${char}`)
}

/** One SD-ELEMENT; parameters whose value is null are left out. */
export function structuredData(id: string, params: ReadonlyArray<[string, string | null]>): string {
  const present = params.filter((param): param is [string, string] => param[1] !== null)
  return `[${id}${present.map(([name, value]) => ` ${name}="${escapeParamValue(value)}"`).join('')}]`
}

export interface Rfc5424Options extends SyslogHeaderOptions {
  structuredDataId: string
  schema: 'mcp-audit' | 'ecs'
}

/** §6.4: a MSG in UTF-8 starts with the byte order mark, so a receiver knows how to read it. */
const BOM = '\ufeff'

/**
 * The record as an RFC 5424 message: the fields a receiver routes and deduplicates on in the
 * structured data, the whole record as JSON in MSG (JSON escapes every control character, so the
 * message never holds a raw newline).
 */
export function rfc5424Message(record: ExportEvent, options: Rfc5424Options): string {
  const sd = structuredData(options.structuredDataId, [
    ['schema', options.schema === 'ecs' ? 'ecs' : `${EXPORT_SCHEMA}/${EXPORT_SCHEMA_VERSION}`],
    ['tenant', record.tenant_id],
    ['event_id', record.id],
    ['method', record.mcp.method],
    ['server', record.mcp.server.name],
    ['tool', record.mcp.tool],
    ['status', record.status],
    ['decision', record.decision],
    ['user', record.user.id],
  ])
  const body = options.schema === 'ecs' ? toEcs(record) : record
  return `${syslogHeader(record, options)} ${sd} ${BOM}${JSON.stringify(body)}`
}
