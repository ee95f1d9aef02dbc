import { RetentionConfig, type TenantConfig } from '../../schemas/config.js'

const DEFAULT_MAX_DAYS = RetentionConfig.parse({}).maxDays

/** Days each tenant keeps events (its retention maximum); unknown tenants get the longest configured, never less than the default `retention.maxDays`. */
export function retentionLookup(
  tenants: ReadonlyArray<Pick<TenantConfig, 'id' | 'retention'>>,
): (tenantId: string) => number {
  const byTenant = new Map(tenants.map((tenant) => [tenant.id, tenant.retention.maxDays]))
  const fallback = Math.max(DEFAULT_MAX_DAYS, ...byTenant.values())
  return (tenantId) => byTenant.get(tenantId) ?? fallback
}

/** Each tenant's IANA time zone (UTC when unset or unknown). */
export function timeZoneLookup(
  tenants: ReadonlyArray<Pick<TenantConfig, 'id' | 'timezone'>>,
): (tenantId: string) => string {
  const byTenant = new Map(tenants.map((tenant) => [tenant.id, tenant.timezone]))
  return (tenantId) => byTenant.get(tenantId) ?? 'UTC'
}
