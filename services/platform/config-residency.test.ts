import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from './config.js'

/** `tenants[].residency` and `tenants[].serverTls`: bad values stop the start naming the key (exit 2). */

const token = { name: 'gw-bj-1', scope: 'ingest', value: 'acme-ingest-token-0123456789' }

function errorOf(tenant: Record<string, unknown>): string {
  try {
    parseConfig({ tenants: [{ id: 'acme', tokens: [token], ...tenant }] })
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('the configuration was accepted')
}

describe('tenants[].residency and serverTls', () => {
  it('parses the documented form, regions in lower case, and defaults the unknown threshold', () => {
    const [tenant] = parseConfig({
      tenants: [
        {
          id: 'acme',
          tokens: [token],
          residency: {
            allowedRegions: ['CN-North-1'],
            serverRegions: { 'crm-*': 'cn-north-1' },
            gatewayRegions: { 'gw-bj-1': 'cn-north-1' },
          },
          serverTls: { 'legacy-*': false },
        },
      ],
    }).tenants
    expect(tenant?.residency).toEqual({
      allowedRegions: ['cn-north-1'],
      serverRegions: { 'crm-*': 'cn-north-1' },
      gatewayRegions: { 'gw-bj-1': 'cn-north-1' },
      unknownWarnShare: 0.01,
    })
    expect(tenant?.serverTls).toEqual({ 'legacy-*': false })
    expect(parseConfig({ tenants: [{ id: 'open' }] }).tenants[0]).toMatchObject({ serverTls: {} })
  })

  it('names malformed regions, an empty allow-list, a bad share and a non-boolean TLS flag', () => {
    expect(errorOf({ residency: { allowedRegions: [] } })).toMatch(
      /tenants\.0\.residency\.allowedRegions: list at least one region/,
    )
    expect(errorOf({ residency: { allowedRegions: ['us east 1'] } })).toMatch(
      /tenants\.0\.residency\.allowedRegions\.0: must be a region name/,
    )
    expect(errorOf({ residency: { allowedRegions: ['us-east-1'], serverRegions: { 'crm-*': 42 } } })).toMatch(
      /tenants\.0\.residency\.serverRegions\.crm-\*/,
    )
    expect(errorOf({ residency: { allowedRegions: ['us-east-1'], unknownWarnShare: 2 } })).toMatch(
      /tenants\.0\.residency\.unknownWarnShare/,
    )
    expect(errorOf({ serverTls: { 'legacy-*': 'maybe' } })).toMatch(
      /tenants\.0\.serverTls\.legacy-\*: must be true \(TLS\) or false \(plaintext\)/,
    )
  })

  it('requires gatewayRegions to name ingest tokens of the tenant', () => {
    expect(
      errorOf({ residency: { allowedRegions: ['cn-north-1'], gatewayRegions: { 'gw-sh-9': 'cn-east-2' } } }),
    ).toMatch(
      /tenants\.0\.residency\.gatewayRegions\.gw-sh-9: "gw-sh-9" is not an ingest token of this tenant \(ingest tokens: gw-bj-1\)/,
    )
  })
})
