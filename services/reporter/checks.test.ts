import { describe, expect, it } from 'vitest'
import { DEFAULT_TOOL_GLOBS } from '../../schemas/rbac.js'
import { evaluateChecks, tally } from './checks.js'
import type { AuditTrailFacts, ReportData } from './data.js'
import { frameworkSections, retentionRequirement } from './frameworks.js'

const summary = {
  calls: 1000,
  users: 10,
  clients: 2,
  servers: 3,
  failures: 10,
  toolErrors: 5,
  protocolErrors: 2,
  denials: 2,
  timeouts: 1,
  errorRate: 0.01,
}

const seal = (seq: number, digest: string) => ({
  tenantId: 'acme',
  partition: 2,
  epoch: 0,
  seq,
  sealHash: `${digest.slice(0, 1)}${'f'.repeat(63)}`,
  digest,
  sealedAt: `2026-11-01T0${seq}:00:00.000Z`,
  rowCount: 40,
  keyId: 'sealkey',
})

function sealedTrail(changes: Partial<Extract<AuditTrailFacts, { verified: true }>> = {}): AuditTrailFacts {
  return {
    verified: true,
    keyId: 'sealkey',
    seals: 3,
    rows: 120,
    expired: 0,
    problems: [],
    firstSeal: seal(0, 'a'.repeat(64)),
    lastSeal: seal(2, 'b'.repeat(64)),
    ...changes,
  }
}

function data(
  overrides: {
    retention?: Partial<ReportData['compliance']['retention']>
    tenantMinDays?: number
    silent?: boolean
    share?: number
    auditTrail?: AuditTrailFacts
    access?: Partial<ReportData['access']>
  } = {},
): ReportData {
  return {
    reportId: 'r',
    name: 'n',
    tenant: {
      id: 'acme',
      timezone: 'UTC',
      frameworks: ['pci-dss', 'gdpr', 'hipaa'],
      retention: { minDays: overrides.tenantMinDays ?? 365, maxDays: 2555, hotDays: 90 },
    },
    period: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', timezone: 'UTC', label: '' },
    previousPeriod: { from: '', to: '' },
    generatedAt: '2026-11-02T06:00:00.000Z',
    generatedBy: 't',
    signingKeyId: 'k',
    maxIngestedAt: null,
    summary,
    previous: summary,
    tops: {
      tools: { byVolume: [], byFailures: [] },
      servers: { byVolume: [], byFailures: [] },
      clients: { byVolume: [], byFailures: [] },
      users: { byVolume: [], byFailures: [] },
    },
    latency: [],
    volume: { granularity: 'hour', buckets: [] },
    security: {
      alertsBySeverity: [],
      alertsByRule: [],
      alertsByStatus: [],
      incidents: [],
      redaction: [],
      auth: [{ method: 'oauth2', calls: 1000, share: 1 }],
      unauthenticatedCalls: 0,
    },
    compliance: {
      retention: {
        oldestEvent: '2020-01-01T00:00:00.000Z',
        newestEvent: '2026-11-01T23:00:00.000Z',
        storedEvents: 5000,
        minKeepDays: 2555,
        maxKeepDays: 2555,
        eventsBelowRequired: 0,
        eventsBeyondMaximum: 0,
        ttlClause: 'retention_until DELETE',
        ...overrides.retention,
      },
      completeness: {
        gateways: ['gw'],
        hoursChecked: 24,
        receiptsAccepted: 1000,
        storedWithReceipts: 1000,
        shortfalls: [],
        silent: overrides.silent
          ? [{ gateway: 'gw', from: '2026-11-01 10:00', to: '2026-11-01 12:00', hours: 2 }]
          : [],
        lagP50Ms: 800,
        lagP95Ms: 2000,
        lagMaxMs: 4000,
        futureEvents: 0,
      },
      recordContent: {
        events: 1000,
        complete: Math.round((overrides.share ?? 1) * 1000),
        share: overrides.share ?? 1,
        fields: [],
      },
      review: [
        { at: '2026-10-30T00:00:00.000Z', actor: 'a', action: 'report.generate', resource: 'report:x' },
      ],
      auditTrail: overrides.auditTrail ?? sealedTrail(),
      residency: {
        allowedRegions: ['eu-west-1'],
        unknownWarnShare: 0.01,
        calls: 1000,
        unknownCalls: 0,
        regions: [{ region: 'eu-west-1', calls: 1000 }],
        unknownServers: [],
        outsideCalls: 0,
        outside: [],
      },
      transport: {
        calls: 1000,
        tlsCalls: 1000,
        plaintextCalls: 0,
        unknownCalls: 0,
        plaintextServers: [],
        unknownServers: [],
      },
      storageEncryption: {
        store: {
          mode: 'embedded',
          location: '/data/clickhouse',
          verified: true,
          tables: [
            {
              table: 'audit_events',
              policy: 'default',
              disks: [{ name: 'enc', type: 'Local', encrypted: true }],
            },
          ],
        },
        kafka: {
          brokers: [],
          tls: false,
          verifiesCertificates: false,
          mutualTls: false,
          sasl: null,
          rawRetentionHours: 72,
          dlqRetentionHours: 168,
        },
        reports: { signed: true, encrypted: false },
      },
    },
    access: {
      roleMap: [{ role: 'mcp-developer', permissions: ['read', 'execute'] }],
      toolGlobs: DEFAULT_TOOL_GLOBS,
      calls: 1000,
      withoutKnownRole: 0,
      notPermitted: 0,
      roles: [],
      privileged: [],
      misuse: [],
      truncated: false,
      ...overrides.access,
    },
  }
}

const integrity = { keyId: 'k', previous: [] }
const statusOf = (d: ReportData, id: string) => evaluateChecks(d, integrity).find((c) => c.id === id)?.status

describe('compliance checks', () => {
  it('the longest framework minimum applies: HIPAA six years over PCI DSS one', () => {
    expect(retentionRequirement(['pci-dss', 'hipaa'], 30)).toMatchObject({ days: 2190, hotDays: 90 })
    expect(retentionRequirement([], 400).days).toBe(400)
  })

  it('passes a clean tenant and fails a retention shortfall with evidence', () => {
    const clean = evaluateChecks(data(), integrity)
    expect(tally(clean)).toEqual({ pass: clean.length, warn: 0, fail: 0 })

    const short = evaluateChecks(
      data({ retention: { minKeepDays: 365, eventsBelowRequired: 5000 } }),
      integrity,
    )
    const minimum = short.find((c) => c.id === 'retention-minimum')!
    expect(minimum.status).toBe('fail')
    expect(minimum.summary).toBe('5,000 stored events expire before the required 2190 days')
    expect(minimum.evidence[0]).toContain('HIPAA')
  })

  it('warns when history is shorter than the minimum and fails without a TTL', () => {
    expect(
      statusOf(data({ retention: { oldestEvent: '2026-10-01T00:00:00.000Z' } }), 'retention-minimum'),
    ).toBe('warn')
    expect(statusOf(data({ retention: { ttlClause: '' } }), 'retention-maximum')).toBe('fail')
    expect(statusOf(data({ retention: { eventsBeyondMaximum: 3 } }), 'retention-maximum')).toBe('fail')
  })

  it('fails a silent gateway and grades record content by share', () => {
    expect(statusOf(data({ silent: true }), 'completeness-gaps')).toBe('fail')
    expect(statusOf(data({ share: 0.97 }), 'record-content')).toBe('warn')
    expect(statusOf(data({ share: 0.5 }), 'record-content')).toBe('fail')
  })

  it('maps checks to each framework control, a control taking its worst check', () => {
    const checks = evaluateChecks(data({ silent: true }), integrity)
    const [pci] = frameworkSections(['pci-dss'], checks)
    expect(pci?.status).toBe('fail')
    expect(pci?.controls.find((c) => c.id === '10.7.2')?.status).toBe('fail')
    expect(pci?.controls.find((c) => c.id === '10.2.2')?.status).toBe('pass')
  })
})

describe('audit-trail-integrity', () => {
  const check = (trail: AuditTrailFacts) =>
    evaluateChecks(data({ auditTrail: trail }), integrity).find((c) => c.id === 'audit-trail-integrity')!

  it('passes when every seal of the period verifies, citing the first and last digests', () => {
    const passed = check(sealedTrail())
    expect(passed.status).toBe('pass')
    expect(passed.summary).toBe(
      'all 3 seals of the period verify; no sealed row was changed, deleted or added',
    )
    expect(passed.evidence.join('\n')).toContain(`first seal acme/p2#0`)
    expect(passed.evidence.join('\n')).toContain(`digest ${'a'.repeat(64)}, seal hash a${'f'.repeat(63)}`)
    expect(passed.evidence.join('\n')).toContain(`last seal acme/p2#2`)
  })

  it('fails naming the broken seals and event ids, with the lists capped', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `evt-${i}`)
    const problems = [
      {
        kind: 'changed' as const,
        seal: seal(1, 'c'),
        eventIds: ids,
        count: 140,
        detail: 'stored content differs',
      },
      ...Array.from({ length: 11 }, (_, i) => ({
        kind: 'seal_missing' as const,
        seal: seal(3 + i, 'd'),
        eventIds: [],
        count: 0,
        detail: 'a gap',
      })),
    ]
    const failed = check(sealedTrail({ problems }))
    expect(failed.status).toBe('fail')
    expect(failed.summary).toBe(
      '12 integrity problems: 12 seals broken, 140 events changed, deleted or added',
    )
    const changed = failed.evidence.find((line) => line.startsWith('CHANGED seal acme/p2#1'))!
    expect(changed).toContain('event ids (140): evt-0, evt-1,')
    expect(changed).toContain('evt-9 … and 130 more')
    expect(changed).not.toContain('evt-10')
    expect(failed.evidence.filter((line) => line.startsWith('SEAL_MISSING'))).toHaveLength(9)
    expect(failed.evidence).toContain(
      '… and 2 more problems (see report.json, or run mcp-audit verify-store --tenant acme --from 2026-11-01T00:00:00.000Z --to 2026-11-02T00:00:00.000Z)',
    )
    const [pci] = frameworkSections(
      ['pci-dss'],
      evaluateChecks(data({ auditTrail: sealedTrail({ problems }) }), integrity),
    )
    expect(pci?.controls.find((c) => c.id === '10.3.2')?.status).toBe('fail')
  })

  it('says so honestly when nothing is sealed yet or no seal key exists', () => {
    const empty = check(sealedTrail({ seals: 0, rows: 0, firstSeal: null, lastSeal: null }))
    expect(empty.status).toBe('warn')
    expect(empty.summary).toMatch(/^not applicable: no events stored in the period/)
    const waiting = check(sealedTrail({ seals: 0, rows: 35, firstSeal: null, lastSeal: null }))
    expect(waiting.summary).toBe("not yet applicable: the period's 35 rows still wait for a first seal")
    const unkeyed = check({ verified: false, reason: 'no seal public key yet' })
    expect(unkeyed).toMatchObject({ status: 'warn', summary: 'not verified: no seal public key yet' })
  })

  it('maps to PCI DSS 10.3, SOC 2 CC7.2, ISO 27001 A.8.15 and NIST AU-9, AU-10', () => {
    const sections = frameworkSections(
      ['pci-dss', 'soc2', 'iso27001', 'nist-800-53'],
      evaluateChecks(data(), integrity),
    )
    const mapped = sections.flatMap((section) =>
      section.controls.filter((c) => c.checks.includes('audit-trail-integrity')).map((c) => c.id),
    )
    expect(mapped).toEqual(['10.3.2', '10.3.4', 'CC7.2', 'A.8.15', 'AU-9', 'AU-10'])
  })
})

describe('access-control check', () => {
  const misuse = {
    user: 'u_3f2a',
    userKind: 'pseudonym',
    roles: ['mcp-developer'],
    method: 'tools/call',
    tool: 'delete_repo',
    permission: 'write' as const,
    calls: 3,
    succeeded: 2,
    denied: 1,
    errors: 0,
    verdict: 'not_permitted' as const,
  }
  const check = (access: Partial<ReportData['access']>) =>
    evaluateChecks(data({ access }), integrity).find((c) => c.id === 'access-control')!

  it('fails when a call succeeded beyond the caller roles, naming user, roles, tool and permission', () => {
    const failed = check({ notPermitted: 2, misuse: [misuse] })
    expect(failed.status).toBe('fail')
    expect(failed.summary).toBe("2 calls succeeded that the caller's roles do not permit (1 users)")
    expect(failed.evidence[0]).toBe(
      'u_3f2a (roles mcp-developer): tools/call delete_repo needs write, succeeded 2 times',
    )
  })

  it('warns for calls without a known role (never counted as compliant) and passes otherwise', () => {
    const unknown = check({ withoutKnownRole: 50 })
    expect(unknown.status).toBe('warn')
    expect(unknown.summary).toMatch(/^50 of 1,000 calls \(5\.00%\) came from callers without a role/)
    expect(check({ calls: 0 }).status).toBe('warn')
    expect(check({}).status).toBe('pass')
  })

  it('maps to PCI DSS 7.2, SOC 2 CC6.1 and CC6.3, ISO 27001 A.5.15 and A.8.2, HIPAA 164.312(a)(1)', () => {
    const sections = frameworkSections(
      ['pci-dss', 'soc2', 'iso27001', 'hipaa'],
      evaluateChecks(data({ access: { notPermitted: 1, misuse: [misuse] } }), integrity),
    )
    const mapped = sections.flatMap((section) =>
      section.controls.filter((c) => c.checks.includes('access-control')).map((c) => [c.id, c.status]),
    )
    expect(mapped).toEqual([
      ['7.2', 'fail'],
      ['CC6.1', 'fail'],
      ['CC6.3', 'fail'],
      ['A.5.15', 'fail'],
      ['A.8.2', 'fail'],
      ['164.312(a)(1)', 'fail'],
    ])
  })
})
