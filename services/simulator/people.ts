import type { Permission } from '../../schemas/rbac.js'
import type { Rng } from './rng.js'
import type { ClientProfile, SimUser } from './types.js'

/** The people and automations of a tenant: names, roles, working hours, clients, addresses. */

type WeightedClient = ClientProfile & { weight: number }

/** MCP clients people use, with the protocol revision each version speaks. */
const HUMAN_CLIENTS: readonly WeightedClient[] = [
  {
    name: 'claude-desktop',
    version: '0.12.28',
    protocolVersion: '2025-06-18',
    userAgent: 'claude-desktop/0.12.28',
    weight: 5,
  },
  {
    name: 'claude-desktop',
    version: '0.13.4',
    protocolVersion: '2025-11-25',
    userAgent: 'claude-desktop/0.13.4',
    weight: 3,
  },
  {
    name: 'claude-code',
    version: '2.0.14',
    protocolVersion: '2025-11-25',
    userAgent: 'claude-code/2.0.14',
    weight: 5,
  },
  {
    name: 'claude-code',
    version: '2.1.3',
    protocolVersion: '2026-07-28',
    userAgent: 'claude-code/2.1.3',
    weight: 2,
  },
  { name: 'cursor', version: '1.5.11', protocolVersion: '2025-06-18', userAgent: 'Cursor/1.5.11', weight: 5 },
  {
    name: 'Visual Studio Code',
    version: '1.104.2',
    protocolVersion: '2025-11-25',
    userAgent: 'Visual-Studio-Code/1.104.2',
    weight: 4,
  },
  {
    name: 'Visual Studio Code - Insiders',
    version: '1.106.0-insider',
    protocolVersion: '2026-07-28',
    userAgent: 'Visual-Studio-Code-Insiders/1.106.0',
    weight: 1,
  },
  {
    name: 'windsurf',
    version: '1.12.3',
    protocolVersion: '2025-03-26',
    userAgent: 'windsurf/1.12.3',
    weight: 1,
  },
]

/** Automations: a tenant's own agents, running around the clock under service accounts. */
const SERVICE_TEMPLATES: ReadonlyArray<{ id: string; name: string; client: ClientProfile }> = [
  {
    id: 'svc-nightly-report',
    name: 'Nightly report agent',
    client: { name: 'report-agent', version: '1.4.0', protocolVersion: '2026-07-28', userAgent: 'node' },
  },
  {
    id: 'svc-ci-review',
    name: 'CI review bot',
    client: {
      name: 'ci-review-bot',
      version: '3.2.1',
      protocolVersion: '2025-11-25',
      userAgent: 'Go-http-client/2.0',
    },
  },
  {
    id: 'svc-support-triage',
    name: 'Support triage agent',
    client: {
      name: 'langgraph-agent',
      version: '0.6.7',
      protocolVersion: '2025-06-18',
      userAgent: 'python-httpx/0.28.1',
    },
  },
]

/**
 * What the simulated company lets each of its roles do, as its operator would write
 * `tenants[].rbac.roles`: every role the simulated gateways send is mapped.
 */
export const SIMULATED_ROLE_PERMISSIONS: Record<string, Permission[]> = {
  developer: ['read', 'execute', 'write'],
  maintainer: ['read', 'execute', 'write'],
  shell: ['read', 'execute', 'admin'],
  sre: ['read', 'execute', 'write'],
  'data-analyst': ['read', 'execute'],
  support: ['read', 'execute', 'write'],
  'security-analyst': ['read', 'execute'],
  admin: ['read', 'execute', 'write', 'admin'],
}

const ROLE_MIX: ReadonlyArray<{ roles: string[]; weight: number }> = [
  { roles: ['developer'], weight: 30 },
  { roles: ['developer', 'maintainer'], weight: 8 },
  { roles: ['developer', 'shell'], weight: 10 },
  { roles: ['sre', 'shell'], weight: 10 },
  { roles: ['data-analyst'], weight: 15 },
  { roles: ['support'], weight: 15 },
  { roles: ['security-analyst'], weight: 5 },
  { roles: ['developer', 'maintainer', 'admin'], weight: 2 },
]

const FIRST_NAMES = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'yara',
  'zoe',
  'hiro',
  'ana',
  'ben',
  'chen',
  'dina',
  'emil',
  'fatima',
  'gustav',
  'hana',
  'ines',
  'jonas',
  'kenji',
  'lea',
  'mateo',
  'nora',
  'oskar',
  'paula',
  'ravi',
  'sara',
]
const LAST_NAMES = [
  'martin',
  'schmidt',
  'nguyen',
  'garcia',
  'sato',
  'muller',
  'rossi',
  'kowalski',
  'johnson',
  'silva',
  'dubois',
  'yamamoto',
  'brown',
  'fischer',
  'lopez',
  'kim',
  'novak',
  'ali',
  'jensen',
  'costa',
  'weber',
  'ito',
  'moreau',
  'hansen',
  'ortiz',
  'park',
  'wagner',
  'suzuki',
  'larsen',
  'romero',
]

/** People with unique e-mail ids, a role mix, a weekday shift between 07:30 and 19:00, a client and an office address. */
export function humans(
  rng: Rng,
  count: number,
  domain: string,
  network: string,
  authMethod: string,
): SimUser[] {
  const seen = new Set<string>()
  const users: SimUser[] = []
  for (let i = 0; i < count; i++) {
    const first = rng.pick(FIRST_NAMES)
    const last = rng.pick(LAST_NAMES)
    let local = `${first}.${last}`
    for (let n = 2; seen.has(local); n++) local = `${first}.${last}${n}`
    seen.add(local)
    const start = 7.5 + rng.next() * 2
    const client = rng.weighted(HUMAN_CLIENTS, (c) => c.weight)
    users.push({
      id: `${local}@${domain}`,
      displayName: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`,
      kind: 'human',
      roles: rng.weighted(ROLE_MIX, (mix) => mix.weight).roles,
      authMethod,
      shift: { start, end: Math.min(19, start + 8 + rng.next() * 1.5) },
      client: {
        name: client.name,
        version: client.version,
        protocolVersion: client.protocolVersion,
        userAgent: client.userAgent,
      },
      ip: `${network}.${rng.int(1, 40)}.${rng.int(2, 250)}`,
    })
  }
  return users
}

/**
 * A tenant's automations: a few accounts, each running as many sessions at once as the load needs
 * (a worker pool under one identity), so their ids stay the same whatever the rate.
 */
export function services(domain: string, network: string): SimUser[] {
  return SERVICE_TEMPLATES.map((template, index) => ({
    id: `${template.id}@${domain}`,
    displayName: template.name,
    kind: 'service' as const,
    roles: ['service-account'],
    authMethod: 'client_credentials',
    shift: { start: 0, end: 24 },
    client: template.client,
    ip: `${network}.200.${index + 2}`,
  }))
}
