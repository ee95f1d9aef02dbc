import { describe, expect, it } from 'vitest'
import type { Check } from './check.js'
import { residencyCheck, transportCheck } from './checks-residency.js'
import type { ResidencyFacts, TransportFacts } from './data.js'
import { frameworkSections } from './frameworks.js'
import { reportText } from './i18n/index.js'

const en = reportText('en')

const residency = (changes: Partial<ResidencyFacts> = {}): ResidencyFacts => ({
  allowedRegions: ['cn-north-1'],
  unknownWarnShare: 0.01,
  calls: 100,
  unknownCalls: 0,
  regions: [{ region: 'cn-north-1', calls: 100 }],
  unknownServers: [],
  outsideCalls: 0,
  outside: [],
  ...changes,
})

const transport = (changes: Partial<TransportFacts> = {}): TransportFacts => ({
  calls: 100,
  tlsCalls: 100,
  plaintextCalls: 0,
  unknownCalls: 0,
  plaintextServers: [],
  unknownServers: [],
  ...changes,
})

describe('data-residency', () => {
  it('passes when every call ran in an allowed region', () => {
    const check = residencyCheck(residency(), en)
    expect(check).toMatchObject({ id: 'data-residency', status: 'pass' })
    expect(check.evidence).toContain("regions of the period's calls: cn-north-1: 100 calls")
  })

  it('fails listing servers, tools and regions outside with their call counts', () => {
    const check = residencyCheck(
      residency({
        regions: [
          { region: 'cn-north-1', calls: 90 },
          { region: 'us-east-1', calls: 10 },
        ],
        outsideCalls: 10,
        outside: [
          { server: 'crm-us', tool: 'lookup', region: 'us-east-1', calls: 7 },
          { server: 'crm-us', tool: 'update', region: 'us-east-1', calls: 3 },
        ],
      }),
      en,
    )
    expect(check.status).toBe('fail')
    expect(check.summary).toBe('10 calls ran outside the allowed regions, in us-east-1, on 1 server: crm-us')
    expect(check.evidence).toEqual([
      'allowed regions: cn-north-1',
      'outside: server crm-us, tool lookup, region us-east-1: 7 calls',
      'outside: server crm-us, tool update, region us-east-1: 3 calls',
    ])
  })

  it('counts unknown regions as unknown: a warning above the threshold, never a pass by default', () => {
    const unknown = residency({
      unknownCalls: 5,
      regions: [{ region: 'cn-north-1', calls: 95 }],
      unknownServers: [{ server: 'github', calls: 5 }],
    })
    const warned = residencyCheck(unknown, en)
    expect(warned.status).toBe('warn')
    expect(warned.summary).toBe('5 calls (5.00%) have no known region, above the 1.00% allowed unknown')
    expect(warned.evidence.join('\n')).toContain('by server: github (5)')
    const tolerated = residencyCheck({ ...unknown, unknownWarnShare: 0.1 }, en)
    expect(tolerated.status).toBe('pass')
    expect(tolerated.evidence.join('\n')).toContain('5 calls (5.00%) of unknown region')
  })

  it('warns when the tenant declares no allowed regions', () => {
    expect(residencyCheck(residency({ allowedRegions: null }), en)).toMatchObject({
      status: 'warn',
      summary: 'no residency policy: tenants[].residency.allowedRegions is not set for this tenant',
    })
  })
})

describe('transport-encryption', () => {
  it('passes all-TLS traffic', () => {
    expect(transportCheck(transport(), en)).toMatchObject({
      status: 'pass',
      summary: 'all 100 calls over TLS',
    })
  })

  it('fails when a server not on loopback was called in clear, with the share and counts', () => {
    const check = transportCheck(
      transport({
        tlsCalls: 80,
        plaintextCalls: 20,
        plaintextServers: [
          { server: 'legacy-erp', calls: 15, nonLoopbackCalls: 15 },
          { server: 'local-fs', calls: 5, nonLoopbackCalls: 0 },
        ],
      }),
      en,
    )
    expect(check.status).toBe('fail')
    expect(check.summary).toBe('15 calls went in clear to 1 server not on loopback: legacy-erp')
    expect(check.evidence).toEqual([
      '80.00% of 100 calls over TLS; 20 in clear, 0 unknown',
      'plaintext: server legacy-erp: 15 calls',
      'plaintext: server local-fs: 5 calls (loopback)',
    ])
  })

  it('passes plaintext to loopback only, and warns on calls without TLS information', () => {
    expect(
      transportCheck(
        transport({
          tlsCalls: 95,
          plaintextCalls: 5,
          plaintextServers: [{ server: 'local-fs', calls: 5, nonLoopbackCalls: 0 }],
        }),
        en,
      ).status,
    ).toBe('pass')
    const unknown = transportCheck(
      transport({ tlsCalls: 60, unknownCalls: 40, unknownServers: [{ server: 'mcpx-hub', calls: 40 }] }),
      en,
    )
    expect(unknown.status).toBe('warn')
    expect(unknown.summary).toBe('40 calls (40.00%) without TLS information; 60.00% known to be over TLS')
  })

  it('maps to PCI DSS 4.2.1, HIPAA 164.312(e) and ISO 27001 A.8.24; residency to GDPR transfers', () => {
    const checks: Check[] = [
      transportCheck(
        transport({ plaintextCalls: 1, plaintextServers: [{ server: 'x', calls: 1, nonLoopbackCalls: 1 }] }),
        en,
      ),
      residencyCheck(residency(), en),
    ]
    const sections = frameworkSections(['pci-dss', 'hipaa', 'iso27001', 'gdpr'], checks)
    const control = (framework: string, id: string) =>
      sections.find((s) => s.framework === framework)?.controls.find((c) => c.id === id)
    expect(control('pci-dss', '4.2.1')).toMatchObject({
      status: 'fail',
      checks: ['transport-encryption', 'storage-encryption'],
    })
    expect(control('hipaa', '164.312(e)')).toMatchObject({ status: 'fail' })
    expect(control('iso27001', 'A.8.24')).toMatchObject({ status: 'fail' })
    expect(control('gdpr', 'Art. 44, 46')).toMatchObject({ status: 'pass', checks: ['data-residency'] })
  })
})
