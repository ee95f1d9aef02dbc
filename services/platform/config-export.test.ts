import { describe, expect, it } from 'vitest'
import { sinkTenantFilter } from '../../schemas/export.js'
import { ConfigError, parseConfig } from './config.js'

/** `export.sinks`: the contract's shape, and bad entries stop the start naming the key (exit 2). */

const tenants = [{ id: 'acme' }, { id: 'globex' }]

function errorOf(raw: Record<string, unknown>, env: Record<string, string> = {}): string {
  try {
    parseConfig(raw, env, 'mcp-audit.yaml')
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('the configuration was accepted')
}

describe('export.sinks', () => {
  it('parses the documented Splunk HEC and Kafka sinks, the token from the environment', () => {
    const config = parseConfig(
      {
        tenants,
        export: {
          sinks: [
            {
              name: 'soc',
              type: 'splunk-hec',
              url: 'https://splunk.example:8088',
              token: '${HEC_TOKEN}',
              index: 'mcp',
              tenants: ['acme'],
            },
            {
              name: 'lake',
              type: 'kafka',
              brokers: ['kafka-1:9092'],
              topic: 'mcp.audit.export',
              tenants: ['*'],
            },
          ],
        },
      },
      { HEC_TOKEN: 'hec-secret-token' },
    )
    const [soc, lake] = config.export.sinks
    expect(soc).toMatchObject({
      type: 'splunk-hec',
      token: 'hec-secret-token',
      sourcetype: 'mcp:audit:event',
      gzip: true,
      startFrom: 'latest',
    })
    expect(sinkTenantFilter(soc!)).toEqual(['acme'])
    expect(sinkTenantFilter(lake!)).toBeUndefined()
    expect(config.export).toMatchObject({ batchMaxRows: 1_000, batchMaxWaitMs: 1_000, opsPort: 9467 })
  })

  it('refuses a sink without tenants when the configuration has several tenants', () => {
    const message = errorOf({
      tenants,
      export: { sinks: [{ name: 'lake', type: 'kafka', topic: 'mcp.audit.export' }] },
    })
    expect(message).toContain('export.sinks.0.tenants: this configuration has 2 tenants')
  })

  it('accepts a sink without tenants when there is one tenant, and refuses unknown tenant ids', () => {
    expect(
      parseConfig({
        tenants: [{ id: 'acme' }],
        export: { sinks: [{ name: 'lake', type: 'kafka', topic: 't' }] },
      }).export.sinks,
    ).toHaveLength(1)
    expect(
      errorOf({
        tenants,
        export: { sinks: [{ name: 'l', type: 'kafka', topic: 't', tenants: ['initech'] }] },
      }),
    ).toContain('export.sinks.0.tenants.0: unknown tenant "initech"')
  })

  it('names the key of an unknown type, a misspelt key and a missing token', () => {
    const message = errorOf({
      tenants: [{ id: 'acme' }],
      export: {
        sinks: [
          { name: 'otel', type: 'zipkin', url: 'https://otel.example' },
          { name: 'soc', type: 'splunk-hec', url: 'https://splunk.example:8088', tokn: 'x' },
        ],
      },
    })
    expect(message).toContain(
      'export.sinks.0.type: type must be one of splunk-hec, otlp-http, syslog, s3, kafka',
    )
    expect(message).toContain('export.sinks.1.token')
    expect(message).toContain('export.sinks.1: Unrecognized key: "tokn"')
  })

  it('refuses two sinks of one name (each name keys a checkpoint)', () => {
    const sinks = [
      { name: 'lake', type: 'kafka', topic: 't' },
      { name: 'lake', type: 'kafka', topic: 'u' },
    ]
    expect(errorOf({ export: { sinks } })).toContain('export.sinks.1.name: "lake" is used twice')
  })

  it('says which environment variable a token refers to when it is not set, without a value', () => {
    expect(
      errorOf({
        export: {
          sinks: [{ name: 'soc', type: 'splunk-hec', url: 'https://s.example', token: '${HEC_TOKEN}' }],
        },
      }),
    ).toContain('export.sinks.0.token refers to ${HEC_TOKEN}, which is not set')
  })
})
