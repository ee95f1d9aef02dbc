import { isIP } from 'node:net'
import { DERIVED_ATTRIBUTES } from '../../../schemas/audit-row.js'
import type { TenantConfig } from '../../../schemas/config.js'
import { globLookup } from '../../../schemas/glob.js'
import { SERVER_ADDRESS_ATTRIBUTE } from '../../../schemas/residency.js'
import type { NormalizedEvent } from './normalize.js'

/**
 * normalize → place → derive → redact: where a call ran and whether it was encrypted. The gateway's
 * own `data_region` and `tls` win; when it sent none, the tenant's configuration answers
 * (`residency.serverRegions` by server, then `residency.gatewayRegions` by ingest token, and
 * `serverTls` by server). What neither says stays unknown (`''` / null): the reports count it as
 * unknown, never as compliant.
 */

export interface TenantPlacement {
  serverRegion: (server: string) => string | undefined
  gatewayRegion: (gateway: string) => string | undefined
  serverTls: (server: string) => boolean | undefined
  /** Undefined when the tenant declares no residency policy. */
  allowedRegions?: ReadonlySet<string>
}

export type PlacementTenant = Pick<TenantConfig, 'id' | 'residency' | 'serverTls'>

/** Each configured tenant's placement rules; undefined for a tenant the configuration does not know. */
export function placementLookup(
  tenants: readonly PlacementTenant[],
): (tenantId: string) => TenantPlacement | undefined {
  const byTenant = new Map(
    tenants.map((tenant): [string, TenantPlacement] => {
      const residency = tenant.residency
      const gateways = new Map(Object.entries(residency?.gatewayRegions ?? {}))
      return [
        tenant.id,
        {
          serverRegion: globLookup(residency?.serverRegions ?? {}),
          gatewayRegion: (gateway) => gateways.get(gateway),
          serverTls: globLookup(tenant.serverTls ?? {}),
          allowedRegions: residency ? new Set(residency.allowedRegions) : undefined,
        },
      ]
    }),
  )
  return (tenantId) => byTenant.get(tenantId)
}

/** `localhost`, `*.localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  const host = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host
  if (isIP(v4) === 4) return v4.startsWith('127.')
  return isIP(host) === 6 && (host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host))
}

/** `true`/`false` when the address or the stdio transport says, else undefined. */
function loopback(attributes: Record<string, unknown>, transport: string): boolean | undefined {
  const address = attributes[SERVER_ADDRESS_ATTRIBUTE]
  if (typeof address === 'string' && address.trim() !== '') return isLoopbackAddress(address)
  return transport.trim().toLowerCase() === 'stdio' ? true : undefined
}

export function placeEvent(event: NormalizedEvent, placement: TenantPlacement | undefined): NormalizedEvent {
  const { row, clear } = event
  const region =
    row.data_region.trim().toLowerCase() ||
    placement?.serverRegion(row.server_name) ||
    placement?.gatewayRegion(row.gateway) ||
    ''
  const tls = row.tls ?? placement?.serverTls(row.server_name) ?? null
  const attributes = { ...clear.attributes }
  const allowed = placement?.allowedRegions
  if (allowed) {
    if (region) attributes[DERIVED_ATTRIBUTES.regionAllowed] = String(allowed.has(region))
    else delete attributes[DERIVED_ATTRIBUTES.regionAllowed]
  }
  const onLoopback = loopback(clear.attributes, row.server_transport)
  if (onLoopback !== undefined) attributes[DERIVED_ATTRIBUTES.serverLoopback] = String(onLoopback)
  return { row: { ...row, data_region: region, tls }, clear: { ...clear, attributes } }
}
