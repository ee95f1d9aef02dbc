import { initializeCall, siteFor, toolCall, toolsListCall, type CallSite } from '../calls.js'
import { isOffHours, isoMs, localTime } from '../clock.js'
import { schema, str, textResult, tool } from '../catalogue/define.js'
import type { ServerSpec, SimUser, TenantProfile } from '../types.js'
import { MARK_PRESERVING_FORMATS } from '../types.js'
import {
  actorAt,
  spread,
  after,
  attackGateway,
  incident,
  mark,
  server,
  sessionSite,
  toolOf,
  type ScenarioContext,
  type ScenarioPlan,
} from './context.js'

const BRUTE_FORCE_CALLS = 25
const RUNAWAY_CALLS = 150
const UNAUTHENTICATED_CALLS = 30

/**
 * One user hammering tools their role does not allow: a burst of denials in two minutes. Only tools
 * the policy always denies them, so none of their later calls of those tools succeeds.
 */
export function credentialBruteForce(ctx: ScenarioContext): ScenarioPlan {
  const step = spread(ctx, 4.5, BRUTE_FORCE_CALLS)
  const lacksRoles = (candidate: SimUser) =>
    !candidate.roles.some((role) => role === 'maintainer' || role === 'shell')
  const { tenant, user, ms } = actorAt(ctx, 0.46, step * (BRUTE_FORCE_CALLS - 1), lacksRoles)
  const site = siteFor(ctx.rng, tenant, attackGateway(ctx, tenant), user, false)
  const targets = [
    [server(tenant, 'github'), 'merge_pull_request'],
    [server(tenant, 'desktop-commander'), 'start_process'],
    [server(tenant, 'commands'), 'run_command'],
  ] as const
  const calls = Array.from({ length: BRUTE_FORCE_CALLS }, (_, index) => {
    const [spec, name] = targets[index % targets.length]!
    return mark(
      toolCall(ctx.rng, site, after(ms, index * step), spec, toolOf(spec, name), 100 + index, {
        outcome: {
          kind: 'denied',
          message: `Forbidden: ${user.id} is not allowed to call ${spec.name}.${name}`,
        },
        durationMs: 1 + ctx.rng.int(0, 200) / 100,
      }),
      'credential-brute-force',
    )
  })
  return {
    calls,
    incident: incident('credential-brute-force', site, calls, [
      `${BRUTE_FORCE_CALLS} denied calls (status denied, decision deny) by one user within ${Math.ceil((step * (BRUTE_FORCE_CALLS - 1)) / 60)} minute(s)`,
    ]),
  }
}

/** The first local night hour (01:00–05:00) of any tenant inside the span, else the last one before it. */
function nightIn(ctx: ScenarioContext): { tenant: TenantProfile; ms: number; note?: string } {
  const { timeline } = ctx
  for (let ms = timeline.startMs; ms < timeline.endMs; ms += Math.min(timeline.cellMs, 600_000)) {
    for (const tenant of ctx.tenants) {
      const time = localTime(tenant.timezone, ms)
      if (isOffHours(time) && time.hour >= 1 && time.hour < 5) return { tenant, ms }
    }
  }
  const tenant = ctx.tenants[0]!
  let ms = timeline.startMs - 3_600_000
  while (!(localTime(tenant.timezone, ms).hour >= 2 && localTime(tenant.timezone, ms).hour < 3))
    ms -= 1_800_000
  return { tenant, ms, note: `no local night inside the span; placed at ${isoMs(ms * 1000)}, before it` }
}

/** A person (not an automation) working at 2 a.m. in their tenant's zone. */
export function offHours(ctx: ScenarioContext): ScenarioPlan {
  const { tenant, ms, note } = nightIn(ctx)
  const user = ctx.rng.pick(tenant.humans)
  const site = siteFor(ctx.rng, tenant, attackGateway(ctx, tenant), user, false)
  const github = server(tenant, 'github')
  const postgres = server(tenant, 'postgres')
  const calls = Array.from({ length: 12 }, (_, index) => {
    const spec = index % 3 === 2 ? postgres : github
    const name = spec === postgres ? 'query' : index % 2 === 0 ? 'get_file_contents' : 'search_code'
    const args =
      spec === postgres ? { sql: 'SELECT * FROM customers ORDER BY created_at DESC LIMIT 5000' } : undefined
    return mark(
      toolCall(ctx.rng, site, after(ms, index * 50), spec, toolOf(spec, name), 200 + index, {
        ...(args ? { args } : {}),
        outcome: { kind: 'success', result: textResult('[… 5000 rows …]') },
      }),
      'off-hours',
    )
  })
  return {
    calls,
    incident: incident(
      'off-hours',
      site,
      calls,
      [`12 calls by ${user.id}, a person, between 01:00 and 05:00 ${tenant.timezone}`],
      note,
    ),
  }
}

/** One session calling the same tool well over 100 times a minute. */
export function runawayLoop(ctx: ScenarioContext): ScenarioPlan {
  const step = spread(ctx, 59 / RUNAWAY_CALLS, RUNAWAY_CALLS)
  const { tenant, user, ms } = actorAt(ctx, 0.54, step * (RUNAWAY_CALLS - 1))
  const site = sessionSite(ctx, tenant, user, attackGateway(ctx, tenant))
  const github = server(tenant, 'github')
  const search = toolOf(github, 'search_issues')
  const args = {
    query: `repo:${tenant.org}/${ctx.rng.pick(tenant.world.repos)} is:open label:flaky`,
    perPage: 10,
  }
  const calls = Array.from({ length: RUNAWAY_CALLS }, (_, index) =>
    mark(
      toolCall(ctx.rng, site, after(ms, index * step), github, search, 300 + index, {
        args: { ...args },
        outcome: { kind: 'success', result: textResult('{"total_count": 0, "items": []}') },
      }),
      'runaway-loop',
    ),
  )
  return {
    calls,
    incident: incident('runaway-loop', site, calls, [
      `${RUNAWAY_CALLS} calls of github.search_issues with identical arguments in one session within ${Math.ceil(step * (RUNAWAY_CALLS - 1))} s`,
    ]),
  }
}

const SHADOW_SERVER: ServerSpec = {
  name: 'quick-notes-sync',
  version: '0.0.3',
  transport: 'sse',
  roles: [],
  origin: 'builtin',
  tools: [
    tool({
      name: 'sync_notes',
      description: 'Sync your notes to the cloud.',
      inputSchema: schema({ folder: str() }, ['folder']),
      args: () => ({ folder: '/workspace' }),
    }),
    tool({
      name: 'upload_file',
      description: 'Upload a file for sharing.',
      inputSchema: schema({ path: str() }, ['path']),
      args: () => ({ path: '/workspace/docs/architecture.md' }),
    }),
  ],
}

/** A server no one in the tenant has used before shows up. */
export function newUnknownServer(ctx: ScenarioContext): ScenarioPlan {
  const step = spread(ctx, 20, 6)
  const { tenant, user, ms } = actorAt(ctx, 0.62, step * 6)
  const site = sessionSite(ctx, tenant, user, attackGateway(ctx, tenant))
  const sync = toolOf(SHADOW_SERVER, 'sync_notes')
  const upload = toolOf(SHADOW_SERVER, 'upload_file')
  const calls = [
    initializeCall(ctx.rng, site, after(ms, 0), SHADOW_SERVER),
    toolsListCall(ctx.rng, site, after(ms, step / 4), SHADOW_SERVER, 1),
    ...Array.from({ length: 5 }, (_, index) =>
      toolCall(
        ctx.rng,
        site,
        after(ms, (index + 1) * step),
        SHADOW_SERVER,
        index % 2 === 0 ? upload : sync,
        2 + index,
        {
          outcome: {
            kind: 'success',
            result: textResult('uploaded: https://share.quick-notes.example/f/8fz2'),
          },
        },
      ),
    ),
  ].map((call) => mark(call, 'new-unknown-server'))
  return {
    calls,
    incident: incident('new-unknown-server', site, calls, [
      `first calls to server ${SHADOW_SERVER.name} ${SHADOW_SERVER.version} (sse), never seen in the tenant before`,
    ]),
  }
}

/** Calls with no authenticated user, from outside the office network, more than ten a minute. */
export function unauthenticated(ctx: ScenarioContext): ScenarioPlan {
  const step = spread(ctx, 3.5, UNAUTHENTICATED_CALLS)
  const { tenant, ms } = actorAt(ctx, 0.7, step * (UNAUTHENTICATED_CALLS - 1))
  const gateway = attackGateway(ctx, tenant)
  const site: CallSite = {
    tenant,
    gateway,
    user: null,
    client: {
      name: 'mcp-remote',
      version: '0.1.18',
      protocolVersion: '2025-06-18',
      userAgent: 'mcp-remote/0.1.18',
    },
    protocolVersion: '2025-06-18',
    sessionId: ctx.rng.uuid(),
    sourceIp: `203.0.113.${ctx.rng.int(2, 250)}`,
    sourcePort: ctx.rng.int(32_768, 60_999),
    userAgent: 'mcp-remote/0.1.18',
  }
  const fs = server(tenant, 'filesystem')
  const github = server(tenant, 'github')
  const targets = [
    [fs, 'list_directory'],
    [fs, 'read_file'],
    [github, 'search_code'],
  ] as const
  const calls = Array.from({ length: UNAUTHENTICATED_CALLS }, (_, index) => {
    const [spec, name] = targets[index % targets.length]!
    return mark(
      toolCall(ctx.rng, site, after(ms, index * step), spec, toolOf(spec, name), 1 + index),
      'unauthenticated',
    )
  })
  return {
    calls,
    incident: incident('unauthenticated', site, calls, [
      `${UNAUTHENTICATED_CALLS} calls without a user from ${site.sourceIp} within ${Math.ceil((step * (UNAUTHENTICATED_CALLS - 1)) / 60)} minute(s)`,
    ]),
  }
}

/** A gateway that was sending stops: nothing from it from 40 % of the span to the end. */
export function silentGateway(ctx: ScenarioContext): ScenarioPlan {
  const tenant = [...ctx.tenants].sort((a, b) => b.weight - a.weight)[0]!
  const quiet = tenant.gateways.filter((g) => !MARK_PRESERVING_FORMATS.includes(g.format))
  const gateway = ctx.rng.pick(quiet.length > 0 ? quiet : tenant.gateways)
  const fromUs = Math.floor((ctx.timeline.startMs + 0.4 * ctx.timeline.spanMs) * 1000)
  const untilUs = Math.ceil(ctx.timeline.endMs * 1000) + 1
  return {
    calls: [],
    silence: { tenant: tenant.id, gateway: gateway.name, fromUs, untilUs },
    incident: {
      scenario: 'silent-gateway',
      tenant: tenant.id,
      gateway: gateway.name,
      format: gateway.format,
      user: null,
      sessionId: null,
      from: isoMs(fromUs),
      to: isoMs(untilUs),
      eventIds: [],
      signals: [
        `gateway ${gateway.name} (${gateway.format}; servers ${gateway.servers.join(', ')}) sends nothing after ${isoMs(fromUs)}`,
      ],
    },
  }
}
