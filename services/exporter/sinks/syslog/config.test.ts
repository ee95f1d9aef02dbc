import { describe, expect, it } from 'vitest'
import { SinkConfig } from '../../../../schemas/export.js'

const parse = (sink: Record<string, unknown>) =>
  SinkConfig.safeParse({ name: 'siem', type: 'syslog', url: 'tls://siem.example:6514', ...sink })
const messages = (sink: Record<string, unknown>) =>
  parse(sink).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? []

describe('syslog sink configuration', () => {
  it('defaults to RFC 5424 JSON, octet counting, local0, app mcp-audit and the documentation PEN', () => {
    expect(parse({}).data).toMatchObject({
      format: 'rfc5424',
      schema: 'mcp-audit',
      framing: 'octet-counting',
      facility: 'local0',
      appName: 'mcp-audit',
      structuredDataId: 'mcp-audit@32473',
      startFrom: 'latest',
    })
  })

  it('refuses udp:// with the reason, and other schemes or missing ports', () => {
    expect(messages({ url: 'udp://siem.example:514' })).toEqual([
      expect.stringMatching(/^url: udp:\/\/ is refused: syslog over UDP drops messages silently/),
    ])
    expect(messages({ url: 'https://siem.example:514' })).toEqual([
      'url: must be tcp://host:port or tls://host:port',
    ])
    expect(messages({ url: 'tcp://siem.example' })[0]).toMatch(/must name a host and a port/)
  })

  it('refuses tls options on tcp://, schema ecs on CEF or LEEF, and bad header fields', () => {
    expect(messages({ url: 'tcp://siem.example:514', tls: { caFile: '/ca.pem' } })).toEqual([
      'tls: tls options need a tls:// url',
    ])
    expect(messages({ format: 'cef', schema: 'ecs' })[0]).toMatch(
      /^schema: schema applies to the JSON of format rfc5424/,
    )
    expect(messages({ appName: 'has space' })[0]).toMatch(/^appName: must be 1 to 48 printable ASCII/)
    expect(messages({ structuredDataId: 'mcp audit' })[0]).toMatch(/^structuredDataId:/)
    expect(messages({ facility: 'local9' })[0]).toMatch(/^facility:/)
    expect(parse({ structuredDataId: 'audit@41234.1', facility: 'authpriv', framing: 'lf' }).success).toBe(
      true,
    )
  })
})
