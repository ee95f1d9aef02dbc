import { humans, services } from './people.js'
import type { Rng } from './rng.js'
import type {
  Catalogue,
  Gateway,
  ServerSpec,
  SimFormat,
  SimUser,
  TenantProfile,
  TenantSpec,
  TenantWorld,
} from './types.js'

/** Tenants used when none are given: three offices in three zones, so the day never quite stops. */
export const SAMPLE_TENANTS: readonly TenantSpec[] = [
  { id: 'acme', timezone: 'Europe/Berlin', weight: 3 },
  { id: 'globex', timezone: 'America/New_York', weight: 2 },
  { id: 'initech', timezone: 'Asia/Tokyo', weight: 1 },
]

const REPOS = [
  'payments-api',
  'web-app',
  'infra',
  'data-pipeline',
  'mobile-app',
  'auth-service',
  'billing',
  'search',
  'docs',
  'design-system',
]
const CHANNELS = ['eng', 'incidents', 'deploys', 'support', 'data', 'random']

/** The cloud region a simulated tenant's servers run in, from its time zone. */
export function regionOf(timezone: string): string {
  if (timezone.startsWith('Europe/')) return 'eu-central-1'
  if (timezone.startsWith('America/')) return 'us-east-1'
  if (timezone.startsWith('Asia/') || timezone.startsWith('Australia/')) return 'ap-northeast-1'
  return 'us-west-2'
}

function world(rng: Rng, domain: string): TenantWorld {
  return {
    repos: rng.shuffle(REPOS).slice(0, 5),
    channels: CHANNELS.map((name) => ({
      id: `C0${rng.chars(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`,
      name,
    })),
    tables: ['orders', 'payments', 'accounts', 'sessions', 'customers'],
    intranetHosts: [`wiki.${domain}`, `grafana.${domain}`, `admin.${domain}`],
  }
}

/** Servers split across the tenant's gateways, one gateway per format; a server always goes through the same gateway. */
function gateways(
  rng: Rng,
  tenantId: string,
  servers: ServerSpec[],
  formats: readonly SimFormat[],
): Gateway[] {
  const list: Gateway[] = formats.map((format) => ({
    name: `${tenantId}-${format}`,
    tenant: tenantId,
    format,
    servers: [],
  }))
  rng.shuffle(servers).forEach((server, index) => list[index % list.length]!.servers.push(server.name))
  list.forEach((gateway, index) => {
    if (gateway.servers.length === 0) gateway.servers.push(servers[index % servers.length]!.name)
  })
  return list
}

export interface PopulationOptions {
  catalogue: Catalogue
  formats: readonly SimFormat[]
  /** People per tenant, by tenant id. */
  humansPerTenant: (tenantId: string) => number
  /** Recorded (LiveMCPBench) servers each tenant adds to the built-in ones. */
  recordedServersPerTenant: number
}

export function buildTenants(
  rng: Rng,
  specs: readonly TenantSpec[],
  options: PopulationOptions,
): TenantProfile[] {
  const builtin = options.catalogue.servers.filter((server) => server.origin === 'builtin')
  const recorded = options.catalogue.servers.filter((server) => server.origin !== 'builtin')
  return specs.map((spec, index) => {
    const tenantRng = rng.fork(`tenant:${spec.id}`)
    const domain = `${spec.id}.example`
    const network = `10.${(20 + index * 7) % 250}`
    const authMethod = tenantRng.pick(['oauth2', 'oidc', 'jwt'])
    const servers = [...builtin, ...tenantRng.shuffle(recorded).slice(0, options.recordedServersPerTenant)]
    return {
      id: spec.id,
      timezone: spec.timezone,
      weight: spec.weight ?? 1,
      domain,
      org: spec.id,
      dataRegion: regionOf(spec.timezone),
      network,
      humans: humans(tenantRng, Math.max(1, options.humansPerTenant(spec.id)), domain, network, authMethod),
      services: services(domain, network),
      servers,
      gateways: gateways(tenantRng, spec.id, servers, options.formats),
      world: world(tenantRng, domain),
    }
  })
}

/** Whether `user` works with `server`: their role uses it, and the policy lets them call some of its tools. */
export function serverFits(server: ServerSpec, user: SimUser): boolean {
  const usesIt = server.roles.length === 0 || user.roles.some((role) => server.roles.includes(role))
  return usesIt && server.tools.some((tool) => !tool.requiredRole || user.roles.includes(tool.requiredRole))
}
