import { describe, expect, it } from 'vitest'
import { agentgatewayAdapter } from './agentgateway.js'
import { envoyAdapter } from './envoy.js'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { kongAdapter } from './kong.js'
import { otlpAdapter } from './otlp.js'
import { isObject, type JsonObject } from './shared.js'
import { toolhiveAdapter } from './toolhive.js'
import { semconvTransport, tlsFromScheme, urlHost } from './transport.js'
import type { GatewayAdapter } from './types.js'

const first = (adapter: GatewayAdapter, record: unknown) => eventsOf(adapter.adapt(record, TEST_CONTEXT))[0]!

function fixture(format: 'envoy' | 'kong' | 'toolhive' | 'agentgateway', index = 0): JsonObject {
  const record = loadFixture(format)[index]
  if (!isObject(record)) throw new Error(`fixture ${format}[${index}] is not an object`)
  return record
}

describe('transport facts', () => {
  it('reads TLS from a scheme or URL and leaves other words unknown', () => {
    expect(tlsFromScheme('https')).toBe(true)
    expect(tlsFromScheme('WSS://chat.example/ws')).toBe(true)
    expect(tlsFromScheme('http://10.0.0.5/mcp')).toBe(false)
    expect(tlsFromScheme('ws')).toBe(false)
    expect(tlsFromScheme('stdio')).toBeUndefined()
    expect(tlsFromScheme(undefined)).toBeUndefined()
  })

  it('takes the host of absolute URLs only', () => {
    expect(urlHost('https://crm.internal:8443/mcp')).toBe('crm.internal')
    expect(urlHost('http://[::1]:9000/mcp')).toBe('::1')
    expect(urlHost('/messages')).toBeUndefined()
  })

  it('maps OTel cloud.region, url.scheme, tls.established and network.protocol.name', () => {
    expect(semconvTransport({ 'cloud.region': 'EU-West-1', 'url.scheme': 'https' })).toEqual({
      data_region: 'eu-west-1',
      tls: true,
    })
    expect(semconvTransport({ 'url.full': 'http://db.internal/mcp' })).toEqual({
      tls: false,
      serverAddress: 'db.internal',
    })
    expect(semconvTransport({ 'tls.established': false })).toEqual({ tls: false })
    expect(semconvTransport({ 'network.protocol.name': 'http' })).toEqual({})
    // The record's own attributes win over the resource's.
    expect(semconvTransport({ 'cloud.region': 'cn-north-1' }, { 'cloud.region': 'us-east-1' })).toEqual({
      data_region: 'cn-north-1',
    })
  })
})

describe('adapters carry region, TLS and server address', () => {
  it('otlp: cloud.region of the resource, url.scheme and server.address of the record', () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'cloud.region', value: { stringValue: 'cn-north-1' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1767225600000000000',
                  attributes: [
                    { key: 'mcp.method.name', value: { stringValue: 'tools/call' } },
                    { key: 'gen_ai.tool.name', value: { stringValue: 'search' } },
                    { key: 'url.scheme', value: { stringValue: 'https' } },
                    { key: 'server.address', value: { stringValue: 'crm.bj.internal' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    }
    expect(first(otlpAdapter, body)).toMatchObject({
      data_region: 'cn-north-1',
      tls: true,
      attributes: { 'server.address': 'crm.bj.internal' },
    })
  })

  it('otlp without any of them: region and TLS stay unset (unknown)', () => {
    const [body] = loadFixture('otlp')
    const event = first(otlpAdapter, body)
    expect(event).not.toHaveProperty('data_region')
    expect(event).not.toHaveProperty('tls')
  })

  it('envoy: upstream_tls_version says TLS, null or "-" says plaintext; upstream_host the address', () => {
    const record = fixture('envoy')
    expect(
      first(envoyAdapter, { ...record, upstream_tls_version: 'TLSv1.3', upstream_host: '10.1.2.3:8443' }),
    ).toMatchObject({ tls: true, attributes: { 'server.address': '10.1.2.3' } })
    expect(first(envoyAdapter, { ...record, upstream_tls_version: null })).toMatchObject({ tls: false })
    expect(first(envoyAdapter, { ...record, upstream_tls_version: '-' })).toMatchObject({ tls: false })
    expect(first(envoyAdapter, record)).not.toHaveProperty('tls')
  })

  it('kong: service.protocol and service.host', () => {
    const record = fixture('kong')
    const service = { name: 'orders-api', protocol: 'http', host: 'orders.internal', port: 80 }
    expect(first(kongAdapter, { ...record, service })).toMatchObject({
      tls: false,
      attributes: { 'server.address': 'orders.internal' },
    })
    expect(first(kongAdapter, { ...record, service: { ...service, protocol: 'https' } })).toMatchObject({
      tls: true,
    })
  })

  it('toolhive: an absolute target.endpoint gives scheme and host; a path gives nothing', () => {
    const record = fixture('toolhive')
    const target = { ...(record.target as JsonObject), endpoint: 'wss://mcp.example.com/ws' }
    expect(first(toolhiveAdapter, { ...record, target })).toMatchObject({
      tls: true,
      attributes: { 'server.address': 'mcp.example.com' },
    })
    const path = { ...(record.target as JsonObject), endpoint: '/messages' }
    expect(first(toolhiveAdapter, { ...record, target: path })).not.toHaveProperty('tls')
  })

  it('agentgateway: keys a CEL-customised access log adds', () => {
    const record = fixture('agentgateway')
    expect(
      first(agentgatewayAdapter, { ...record, 'cloud.region': 'eu-central-1', 'url.scheme': 'http' }),
    ).toMatchObject({ data_region: 'eu-central-1', tls: false })
  })
})
