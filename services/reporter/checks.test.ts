import { describe, expect, it } from 'vitest'
import { evaluateChecks, tally } from './checks.js'
import type { ReportData } from './data.js'
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

function data(
  overrides: {
    retention?: Partial<ReportData['compliance']['retention']>
    tenantMinDays?: number
    silent?: boolean
    share?: number
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
