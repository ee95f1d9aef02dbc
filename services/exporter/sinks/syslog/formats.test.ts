import { describe, expect, it } from 'vitest'
import { SyslogSinkConfig } from '../../../../schemas/export.js'
import { ExportRecord } from '../../../../schemas/export-record.js'
import { storedEventFixture } from '../../../../test/helpers/stored-event.js'
import { parseCef, parseLeef, parseRfc5424 } from '../../../../test/helpers/receivers/syslog-parse.js'
import { toExportEvent } from '../../record.js'
import { syslogFormatter } from '../syslog.js'
import { frame } from './framing.js'

/** Every character the formats must escape or replace, and text beyond ASCII. */
const HOSTILE =
  'pipe| back\\slash eq=sign new\nline cr\r bracket] quote" tab\t bell\u0007 x=1 ünïcödé 工具 🙂'
/** HOSTILE with each of `chars` replaced by `by`: what arrives where a format has no escape for them. */
const hostileWith = (chars: string, by: string) =>
  [...HOSTILE].map((char) => (chars.includes(char) ? by : char)).join('')
const controlsAs = (by: string) => hostileWith('\n\r\t\u0007', by)

const hostileRecord = () =>
  toExportEvent(
    storedEventFixture({
      tenant_id: 'acme',
      tool: HOSTILE,
      server_name: `srv ${HOSTILE}`,
      user_id: `u ${HOSTILE}`,
      session_id: HOSTILE,
      status: 'denied',
      decision: 'deny',
      error_class: 'denied',
      error_code: -32001,
      error_message: HOSTILE,
      user_agent: HOSTILE,
    }),
  )

const formatter = (overrides: Record<string, unknown>) =>
  syslogFormatter(
    SyslogSinkConfig.parse({ name: 's', type: 'syslog', url: 'tcp://siem.example:514', ...overrides }),
    'mcp-audit-1.example',
    '1.2.3',
  )

describe('syslog formats: RFC 5424 with the record as JSON', () => {
  it('writes the header, the structured data and the BOM-prefixed JSON record, escaping hostile values', () => {
    const record = hostileRecord()
    const text = formatter({})(record)
    expect(text).not.toMatch(/[\n\r\t]/)
    const parsed = parseRfc5424(text)
    // local0 (16) × 8 + warning (4) for a denied call.
    expect(parsed).toMatchObject({
      pri: 132,
      version: 1,
      timestamp: '2026-11-24T10:00:00.123Z',
      hostname: 'mcp-audit-1.example',
      appName: 'mcp-audit',
      procId: '-',
      msgId: 'tools/call',
    })
    const sd = parsed.structuredData.get('mcp-audit@32473')
    expect(sd).toMatchObject({
      schema: 'mcp-audit.export/1',
      tenant: 'acme',
      event_id: record.id,
      tool: controlsAs('\ufffd'),
      user: `u ${controlsAs('\ufffd')}`,
      status: 'denied',
      decision: 'deny',
    })
    expect(parsed.msg.startsWith('\ufeff')).toBe(true)
    expect(ExportRecord.parse(JSON.parse(parsed.msg.slice(1)))).toEqual(record)
  })

  it('names the severity by status and sanitises a method into a MSGID', () => {
    const record = toExportEvent(storedEventFixture({ method: 'weird method/ü', status: 'success' }))
    const parsed = parseRfc5424(formatter({ facility: 'authpriv', appName: 'gw-audit' })(record))
    expect(parsed).toMatchObject({ pri: 10 * 8 + 6, appName: 'gw-audit', msgId: 'weird_method/_' })
  })

  it('carries the ECS document instead of the record with schema ecs', () => {
    const record = hostileRecord()
    const parsed = parseRfc5424(formatter({ schema: 'ecs' })(record))
    const ecs = JSON.parse(parsed.msg.slice(1)) as Record<string, { id?: string; outcome?: string }>
    expect(ecs.event).toMatchObject({ id: record.id, outcome: 'failure' })
    expect(parsed.structuredData.get('mcp-audit@32473')?.schema).toBe('ecs')
  })
})

describe('syslog formats: CEF', () => {
  it('escapes header and extension so every value parses back exactly (control characters as spaces)', () => {
    const record = hostileRecord()
    const syslog = parseRfc5424(formatter({ format: 'cef' })(record))
    expect(syslog.structuredData.size).toBe(0)
    const cef = parseCef(syslog.msg)
    expect(cef).toMatchObject({
      version: '0',
      vendor: 'mcp-audit',
      product: 'mcp-audit',
      deviceVersion: '1.2.3',
      signatureId: 'tools/call',
      name: `MCP tools/call ${controlsAs(' ')}`,
      severity: '7',
    })
    expect(cef.extension).toMatchObject({
      rt: String(Date.parse(record.time)),
      externalId: record.id,
      act: 'deny',
      outcome: 'failure',
      suser: `u ${hostileWith('\t\u0007', ' ')}`,
      src: '10.1.2.3',
      cs1Label: 'mcpTool',
      cs1: hostileWith('\t\u0007', ' '),
      cs5Label: 'tenant',
      cs5: 'acme',
      cs6: 'denied',
      cn1Label: 'redactions',
      cn1: '3',
      cn3: '-32001',
    })
  })

  it('puts a redacted source address in a flex string, since src takes IP addresses only', () => {
    const record = toExportEvent(storedEventFixture({ source_ip: '[IP_ADDRESS:5c2f]' }))
    const { extension } = parseCef(parseRfc5424(formatter({ format: 'cef' })(record)).msg)
    expect(extension.src).toBeUndefined()
    expect(extension).toMatchObject({ flexString1Label: 'sourceAddress', flexString1: '[IP_ADDRESS:5c2f]' })
  })
})

describe('syslog formats: LEEF 2.0', () => {
  it('declares tab as delimiter and keeps every value on its attribute (tabs and controls as spaces)', () => {
    const record = hostileRecord()
    const leef = parseLeef(parseRfc5424(formatter({ format: 'leef' })(record)).msg)
    expect(leef).toMatchObject({
      version: '2.0',
      vendor: 'mcp-audit',
      productVersion: '1.2.3',
      eventId: 'tools/call',
    })
    expect(leef.attributes).toMatchObject({
      devTime: '2026-11-24T10:00:00.123Z',
      devTimeFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSX",
      cat: 'denied',
      sev: '7',
      src: '10.1.2.3',
      identSrc: '10.1.2.3',
      usrName: `u ${controlsAs(' ')}`,
      externalId: record.id,
      tenant: 'acme',
      mcpTool: controlsAs(' '),
      errorMessage: controlsAs(' '),
    })
  })

  it('keeps the header free of pipes whatever the method', () => {
    const record = toExportEvent(storedEventFixture({ method: 'a|b' }))
    expect(parseLeef(parseRfc5424(formatter({ format: 'leef' })(record)).msg).eventId).toBe('a_b')
  })
})

describe('syslog framing', () => {
  it('counts octets of the UTF-8 message, not characters', () => {
    expect(frame('é 工', 'octet-counting').toString('utf8')).toBe('6 é 工')
    expect(frame('abc', 'lf').toString('utf8')).toBe('abc\n')
  })
})
