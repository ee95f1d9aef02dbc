import { describe, expect, it } from 'vitest'
import { TenantConfig } from '../../../schemas/config.js'
import type { GenericEvent } from '../../../schemas/event.js'
import { normalizeEnvelope } from './normalize.js'
import { isLoopbackAddress, placeEvent, placementLookup } from './placement.js'

const acme = TenantConfig.parse({
  id: 'acme',
  tokens: [{ name: 'gw-bj-1', scope: 'ingest', value: 'acme-ingest-token-0123456789' }],
  residency: {
    allowedRegions: ['cn-north-1'],
    serverRegions: { 'crm-*': 'cn-north-1', 'crm-us': 'us-east-1' },
    gatewayRegions: { 'gw-bj-1': 'cn-north-1' },
  },
  serverTls: { 'crm-*': true, 'legacy-*': false },
})
const lookup = placementLookup([acme, TenantConfig.parse({ id: 'open' })])

function place(event: Partial<GenericEvent>, options: { tenant?: string; gateway?: string } = {}) {
  const tenant = options.tenant ?? 'acme'
  const normalized = normalizeEnvelope(
    {
      v: 1,
      tenant_id: tenant,
      gateway: options.gateway ?? 'gw-other',
      format: 'generic',
      received_at: '2026-12-01T10:00:01.000Z',
      event: { timestamp: '2026-12-01T10:00:00Z', method: 'tools/call', server: { name: 'x' }, ...event },
    },
    { partition: 0, offset: 0, retentionDays: () => 365 },
  )
  if (normalized.kind !== 'ok') throw new Error('the sample event did not normalize')
  const placed = placeEvent(normalized.value, lookup(tenant))
  return { row: placed.row, attributes: placed.clear.attributes }
}

describe('placeEvent', () => {
  it("keeps the gateway's region (in lower case) and TLS flag over the configuration", () => {
    const { row, attributes } = place({ server: { name: 'crm-eu' }, data_region: 'US-East-1', tls: false })
    expect(row).toMatchObject({ data_region: 'us-east-1', tls: false })
    expect(attributes.region_allowed).toBe('false')
  })

  it('falls back to serverRegions (exact name before globs), then gatewayRegions, and serverTls', () => {
    expect(place({ server: { name: 'crm-eu' } }).row).toMatchObject({ data_region: 'cn-north-1', tls: true })
    expect(place({ server: { name: 'crm-us' } }).row).toMatchObject({ data_region: 'us-east-1', tls: true })
    expect(place({ server: { name: 'legacy-erp' } }, { gateway: 'gw-bj-1' }).row).toMatchObject({
      data_region: 'cn-north-1',
      tls: false,
    })
    expect(place({ server: { name: 'crm-us' } }).attributes.region_allowed).toBe('false')
    expect(place({ server: { name: 'crm-eu' } }).attributes.region_allowed).toBe('true')
  })

  it('leaves what nobody says unknown, and drops a gateway claim of region_allowed then', () => {
    const { row, attributes } = place({ server: { name: 'github' }, attributes: { region_allowed: 'true' } })
    expect(row).toMatchObject({ data_region: '', tls: null })
    expect(attributes).not.toHaveProperty('region_allowed')
  })

  it('keeps a gateway region_allowed for a tenant without a residency policy', () => {
    const placed = place(
      { data_region: 'eu-west-1', attributes: { region_allowed: 'false' } },
      { tenant: 'open' },
    )
    expect(placed.row.data_region).toBe('eu-west-1')
    expect(placed.attributes.region_allowed).toBe('false')
  })

  it('derives server_loopback from server.address or a stdio transport', () => {
    expect(place({ attributes: { 'server.address': '127.0.0.1' } }).attributes.server_loopback).toBe('true')
    expect(place({ attributes: { 'server.address': '10.0.0.8' } }).attributes.server_loopback).toBe('false')
    expect(place({ server: { name: 'fs', transport: 'stdio' } }).attributes.server_loopback).toBe('true')
    expect(place({}).attributes).not.toHaveProperty('server_loopback')
  })
})

describe('isLoopbackAddress', () => {
  it('knows localhost, 127/8 and ::1, and nothing else', () => {
    for (const address of [
      'localhost',
      'mcp.localhost',
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackAddress(address), address).toBe(true)
    for (const address of ['10.0.0.1', 'crm.internal', '::2', 'localhost.example.com', '128.0.0.1'])
      expect(isLoopbackAddress(address), address).toBe(false)
  })
})
