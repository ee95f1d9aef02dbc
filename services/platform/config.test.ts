import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseConfig } from './config.js'

describe('parseConfig', () => {
  it('fills the documented defaults', () => {
    const config = parseConfig({})
    expect(config.dataDir).toBe('./data')
    expect(config.kafka.topics).toEqual({
      raw: 'mcp.audit.raw',
      dlq: 'mcp.audit.dlq',
      receipts: 'mcp.audit.receipts',
    })
    expect(config.clickhouse.database).toBe('mcp_audit')
    expect(config.collector).toMatchObject({ port: 8080, maxBodyBytes: 5_242_880 })
    expect(config.collector.rateLimit).toEqual({ eventsPerSecond: 2000, burst: 10_000 })
    expect(config.console.port).toBe(8081)
    expect(config.tenants).toEqual([])
  })

  it('lets environment variables override the file', () => {
    const config = parseConfig(
      { kafka: { brokers: ['file:9092'] }, collector: { port: 9000 } },
      { KAFKA_BROKERS: 'a:9092, b:9092', CLICKHOUSE_URL: 'http://ch:8123', COLLECTOR_PORT: '7000' },
    )
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9092'])
    expect(config.clickhouse.url).toBe('http://ch:8123')
    expect(config.collector.port).toBe(7000)
  })

  it('interpolates ${VAR} and names the key when the variable is missing', () => {
    expect(
      parseConfig({ pseudonymization: { key: '${PSEUDO_KEY}' } }, { PSEUDO_KEY: 'k'.repeat(32) })
        .pseudonymization.key,
    ).toBe('k'.repeat(32))
    expect(() => parseConfig({ pseudonymization: { key: '${PSEUDO_KEY}' } }, {})).toThrow(
      /pseudonymization\.key refers to \$\{PSEUDO_KEY\}/,
    )
  })

  it('reports every bad key with its path', () => {
    try {
      parseConfig({
        collector: { port: 'eighty' },
        tenants: [
          {
            id: 'acme',
            tokens: [{ name: 'gw', scope: 'ingest', sha256: 'nothex' }],
            timezone: 'Mars/Olympus',
          },
          { id: 'acme' },
        ],
        reports: [{ name: 'weekly', tenant: 'nobody', schedule: '0 6 * * 1' }],
      })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const message = (err as Error).message
      expect(message).toContain('collector.port')
      expect(message).toContain('tenants.0.tokens.0.sha256')
      expect(message).toContain('tenants.0.timezone: must be an IANA time zone')
    }
  })

  it('checks references across sections once every field is valid', () => {
    expect(() =>
      parseConfig({
        tenants: [{ id: 'acme' }, { id: 'acme' }],
        reports: [{ name: 'weekly', tenant: 'nobody', schedule: '0 6 * * 1', deliver: ['sec'] }],
      }),
    ).toThrow(
      /tenants\.1\.id: duplicate tenant id "acme"[\s\S]*reports\.0\.tenant: unknown tenant "nobody"[\s\S]*reports\.0\.deliver\.0: unknown webhook "sec"/,
    )
  })

  it('requires exactly one of sha256 or value on a token', () => {
    expect(() => parseConfig({ tenants: [{ id: 'a', tokens: [{ name: 'gw', scope: 'ingest' }] }] })).toThrow(
      /tenants\.0\.tokens\.0: give exactly one of sha256/,
    )
  })
})

describe('loadConfig', () => {
  it('uses defaults without a file and reads MCP_AUDIT_CONFIG relative to the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-config-'))
    expect(loadConfig({}, dir).source).toBe('defaults')
    const file = path.join(dir, 'conf.yaml')
    writeFileSync(file, 'dataDir: ./state\ntenants:\n  - id: acme\n    timezone: Europe/Berlin\n')
    const { config, source } = loadConfig({ MCP_AUDIT_CONFIG: file }, '/')
    expect(source).toBe(file)
    expect(config.dataDir).toBe(path.join(dir, 'state'))
    expect(config.tenants[0]).toMatchObject({
      id: 'acme',
      timezone: 'Europe/Berlin',
      retention: { minDays: 365 },
    })
  })

  it('says which file is missing or malformed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-config-'))
    expect(() => loadConfig({ MCP_AUDIT_CONFIG: 'nope.yaml' }, dir)).toThrow(
      /nope\.yaml, which does not exist/,
    )
    writeFileSync(path.join(dir, 'mcp-audit.yaml'), 'tenants: [unclosed')
    expect(() => loadConfig({}, dir)).toThrow(/mcp-audit\.yaml is not valid YAML/)
  })
})
