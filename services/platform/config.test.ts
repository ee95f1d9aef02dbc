import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseConfig, requireBrokers, RETIRED_KEYS } from './config.js'
import { withDevTenant } from './dev-tenant.js'
import { EXAMPLE_TOKENS, placeholderSecretIssues } from './placeholder-secrets.js'

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

  it('names integrity.anchor webhooks that are unknown or not in the standard format', () => {
    const alerts = {
      webhooks: [{ name: 'chat', url: 'https://hooks.slack.com/services/T/B/x', format: 'slack' }],
    }
    expect(() => parseConfig({ alerts, integrity: { anchor: { webhooks: ['witness', 'chat'] } } })).toThrow(
      /integrity\.anchor\.webhooks\.0: unknown webhook "witness"[\s\S]*integrity\.anchor\.webhooks\.1: webhook "chat" has format slack; anchors are sent only in the standard format/,
    )
    const witness = { name: 'witness', url: 'https://witness.example.com/in', format: 'standard' }
    expect(
      parseConfig({ alerts: { webhooks: [witness] }, integrity: { anchor: { webhooks: ['witness'] } } })
        .integrity.anchor,
    ).toEqual({ webhooks: ['witness'], intervalMinutes: 60 })
  })

  it('requires exactly one of sha256 or value on a token', () => {
    expect(() => parseConfig({ tenants: [{ id: 'a', tokens: [{ name: 'gw', scope: 'ingest' }] }] })).toThrow(
      /tenants\.0\.tokens\.0: give exactly one of sha256/,
    )
  })
})

describe('one key per setting, checked at start', () => {
  const acme = { tenants: [{ id: 'acme' }] }

  it('rejects a report schedule that is not a cron expression, naming the key', () => {
    for (const schedule of ['0 25 * * *', 'every monday', '0 6 * *', '']) {
      expect(() => parseConfig({ ...acme, reports: [{ name: 'weekly', tenant: 'acme', schedule }] })).toThrow(
        /reports\.0\.schedule: must be a cron expression/,
      )
    }
  })

  it('accepts five-field, six-field and named cron expressions', () => {
    const config = parseConfig({
      ...acme,
      reports: [
        { name: 'weekly', tenant: 'acme', schedule: '0 6 * * 1' },
        { name: 'named', tenant: 'acme', schedule: '0 6 * * MON' },
        { name: 'seconds', tenant: 'acme', schedule: '30 0 6 * * *' },
      ],
    })
    expect(config.reports.map((report) => report.schedule)).toEqual([
      '0 6 * * 1',
      '0 6 * * MON',
      '30 0 6 * * *',
    ])
  })

  it('refuses redaction.serviceAccounts and names pseudonymization.serviceAccounts instead', () => {
    expect(() => parseConfig({ redaction: { serviceAccounts: ['svc-*'] } })).toThrow(
      /redaction\.serviceAccounts: this key was removed: move the list to pseudonymization\.serviceAccounts/,
    )
    expect(
      parseConfig({ pseudonymization: { serviceAccounts: ['svc-*'] } }).pseudonymization.serviceAccounts,
    ).toEqual(['svc-*'])
  })

  it('refuses redaction.maxExcerptBytes and names the normalizer keys instead', () => {
    expect(() => parseConfig({ redaction: { maxExcerptBytes: 4096 } })).toThrow(
      /redaction\.maxExcerptBytes: this key was removed: stored excerpts are sized by normalizer\.argumentsMaxBytes .* and normalizer\.resultMaxBytes/,
    )
    expect(parseConfig({ normalizer: { argumentsMaxBytes: '4096' } }).normalizer).toMatchObject({
      argumentsMaxBytes: 4096,
      resultMaxBytes: 8_192,
    })
  })

  it('lists a retired key together with every other bad key', () => {
    expect(() =>
      parseConfig({ collector: { port: 'eighty' }, redaction: { serviceAccounts: [], maxExcerptBytes: 1 } }),
    ).toThrow(
      /redaction\.serviceAccounts: [^\n]*\n[\s\S]*redaction\.maxExcerptBytes: [^\n]*\n[\s\S]*collector\.port: /,
    )
    expect(RETIRED_KEYS.map((retired) => retired.key)).toEqual([
      'redaction.serviceAccounts',
      'redaction.maxExcerptBytes',
    ])
  })

  it('keeps the rest of the redaction section as it was', () => {
    const config = parseConfig({ redaction: { ipMode: 'keep', maxDepth: '8' } })
    expect(config.redaction).toMatchObject({ ipMode: 'keep', maxDepth: 8 })
    expect(config.redaction).not.toHaveProperty('serviceAccounts')
    expect(config.redaction).not.toHaveProperty('maxExcerptBytes')
  })

  it('stops a server-mode command without brokers with a config error naming kafka.brokers', () => {
    const error = (() => {
      try {
        requireBrokers(parseConfig({}), 'the collector')
      } catch (err) {
        return err
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(
      /the collector needs Kafka: set kafka\.brokers \(or KAFKA_BROKERS\)/,
    )
    expect(requireBrokers(parseConfig({}, { KAFKA_BROKERS: 'k:9092' }), 'the collector')).toEqual(['k:9092'])
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

  it('rejects a bad cron expression when the file is loaded, not when the scheduler starts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-config-'))
    writeFileSync(
      path.join(dir, 'mcp-audit.yaml'),
      'tenants:\n  - id: acme\nreports:\n  - { name: weekly, tenant: acme, schedule: "0 6 * * 8" }\n',
    )
    expect(() => loadConfig({}, dir)).toThrow(/reports\.0\.schedule: must be a cron expression/)
  })
})

describe('placeholder secrets from the examples, refused at start', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nreplace-me\n-----END PRIVATE KEY-----\n'
  const exampleHash = createHash('sha256').update(EXAMPLE_TOKENS[0]!).digest('hex')
  const token = (fields: Record<string, string>) => ({
    tenants: [{ id: 'acme', tokens: [{ name: 'gw', scope: 'ingest', ...fields }] }],
  })
  const refusals: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['clickhouse.password', { clickhouse: { password: 'change-me' } }, {}],
    ['clickhouse.password', {}, { CLICKHOUSE_PASSWORD: 'CHANGEME' }],
    ['pseudonymization.key', { pseudonymization: { key: 'change-me-to-32-random-characters' } }, {}],
    ['pseudonymization.key', {}, { MCP_AUDIT_PSEUDONYMIZATION_KEY: 'change_me_to_32_random_characters' }],
    ['reporter.signingKey', { reporter: { signingKey: pem } }, {}],
    ['tenants.0.tokens.0.value', token({ value: EXAMPLE_TOKENS[1]! }), {}],
    ['tenants.0.tokens.0.sha256', token({ sha256: exampleHash }), {}],
    ['tenants.0.tokens.0.sha256', token({ sha256: '0'.repeat(64) }), {}],
    [
      'alerts.webhooks.0.secret',
      {
        alerts: {
          webhooks: [
            {
              name: 'siem',
              url: 'https://siem.example.com/in',
              secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            },
          ],
        },
      },
      {},
    ],
  ]

  it.each(refusals)(
    'refuses %s, naming the key and what to do, without quoting the value',
    (key, raw, env) => {
      let error: unknown
      try {
        parseConfig(raw, env)
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(ConfigError)
      const message = (error as ConfigError).message
      expect(message).toMatch(
        new RegExp(`^  ${key.replaceAll('.', '\\.')}: is (a placeholder|the hash of an example token)`, 'm'),
      )
      expect(message).toMatch(/openssl|sha256sum|whsec_|CLICKHOUSE_PASSWORD/)
      for (const value of [
        ...Object.values(env),
        'change-me',
        'replace-me',
        EXAMPLE_TOKENS[1]!,
        'MfKQ9r8GKYq',
      ])
        expect(message).not.toContain(value)
    },
  )

  it('accepts secrets of your own', () => {
    const own = randomBytes(32).toString('base64')
    const config = parseConfig({
      clickhouse: { password: own },
      pseudonymization: { key: own },
      tenants: [
        {
          id: 'acme',
          tokens: [{ name: 'gw', scope: 'ingest', sha256: createHash('sha256').update(own).digest('hex') }],
        },
      ],
      alerts: { webhooks: [{ name: 'siem', url: 'https://siem.example.com/in', secret: `whsec_${own}` }] },
    })
    expect(placeholderSecretIssues(config)).toEqual([])
  })

  it('keeps the dev tenant that start generates', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-dev-tenant-'))
    const { config, devTenant } = withDevTenant(parseConfig({ dataDir }))
    expect(devTenant).toBeDefined()
    expect(placeholderSecretIssues(config)).toEqual([])
  })
})
