import {
  initializeCall,
  promptCall,
  resourceCall,
  siteFor,
  toolCall,
  toolsListCall,
  type CallSite,
} from './calls.js'
import { isWeekend, localTime } from './clock.js'
import { missingRole } from './outcomes.js'
import { serverFits } from './population.js'
import type { Rng } from './rng.js'
import { PII_TYPES, piiSentence, SECRET_TYPES, secretSentence } from './sensitive.js'
import type { TenantIntensity, Timeline } from './timeline.js'
import type { Gateway, ServerSpec, SimCall, SimFormat, SimUser, TenantProfile } from './types.js'

/** A session's pace: an agent makes a few calls a minute, far below any runaway-loop threshold. */
export const CALLS_PER_SESSION_MINUTE = 6
const MEAN_SESSION_CALLS = 25
/** A task touches a few of the servers a gateway offers, not all of them. */
const MAX_SERVERS_PER_SESSION = 3
/** Sessions without an id besides MCP 2026-07-28 ones: stateless clients and gateways. */
const STATELESS_SHARE = 0.1
/** A tool the user's role forbids is still tried now and then (and denied, every time). */
const FORBIDDEN_TOOL_WEIGHT = 0.01

interface Session {
  site: CallSite
  user: SimUser
  servers: ServerSpec[]
  remaining: number
  nextRequestId: number
  initialized: boolean
  listed: Set<string>
}

/** What each format logs besides `tools/call`: MCPX has no list/initialize events, Docker interceptors only see calls. */
function logs(format: SimFormat, method: string): boolean {
  if (format === 'docker') return method === 'tools/call'
  if (format === 'mcpx')
    return method === 'tools/call' || method === 'prompts/get' || method === 'resources/read'
  return true
}

function inShift(user: SimUser, tenant: TenantProfile, ms: number, slackHours = 0): boolean {
  if (user.kind === 'service') return true
  const time = localTime(tenant.timezone, ms)
  return (
    !isWeekend(time) && time.hour >= user.shift.start - slackHours && time.hour < user.shift.end + slackHours
  )
}

export interface BenignOptions {
  piiRate: number
  secretRate: number
  /** Multiplies error, timeout and forbidden-tool rates; 0 gives traffic without failures. */
  errorScale: number
}

/**
 * Benign traffic: pools of sessions per tenant and kind (people, automations), sized from the
 * timeline's density so every session keeps an unhurried pace. Each call continues a session (first
 * `initialize`, then `tools/list` per server, then calls) or opens one for someone at work.
 */
export class BenignTraffic {
  private readonly pools: Array<{ human: Session[]; service: Session[] }>
  private readonly plantRng: Rng

  constructor(
    private readonly rng: Rng,
    private readonly tenants: readonly TenantProfile[],
    private readonly timeline: Timeline,
    private readonly count: number,
    private readonly options: BenignOptions,
  ) {
    this.pools = tenants.map(() => ({ human: [], service: [] }))
    this.plantRng = rng.fork('plant')
  }

  next(timeUs: number): SimCall {
    const ms = timeUs / 1000
    const choices = this.timeline.intensityAt(ms).flatMap((cell, index) => [
      { index, kind: 'human' as const, weight: cell.human },
      { index, kind: 'service' as const, weight: cell.service },
    ])
    const { index, kind } = this.rng.weighted(choices, (c) => c.weight)
    const perMinute = this.timeline.perMinuteAt(ms, this.count)[index]!
    // Nobody at work after all (a shift edge): the tenant's automations take the call.
    const session = this.take(index, kind, perMinute, ms) ?? this.take(index, 'service', perMinute, ms)!
    const call = this.step(session, timeUs)
    if (session.remaining <= 0) this.retire(this.pools[index]![session.user.kind], session)
    return call
  }

  /** A session of the pool (sized to keep each session's pace), or a new one for someone at work. */
  private take(index: number, kind: 'human' | 'service', perMinute: TenantIntensity, ms: number) {
    const tenant = this.tenants[index]!
    const pool = this.pools[index]![kind]
    const target = Math.max(1, Math.ceil(perMinute[kind] / CALLS_PER_SESSION_MINUTE))
    while (pool.length > target * 1.5) pool.shift()
    for (let attempt = 0; attempt < 3 && pool.length >= target; attempt++) {
      const session = this.rng.pick(pool)
      if (inShift(session.user, tenant, ms, 0.25)) return session
      this.retire(pool, session)
    }
    const opened = this.open(tenant, kind, ms)
    if (opened) pool.push(opened)
    return opened
  }

  private retire(pool: Session[], session: Session): void {
    const at = pool.indexOf(session)
    if (at >= 0) pool.splice(at, 1)
  }

  private open(tenant: TenantProfile, kind: 'human' | 'service', ms: number): Session | undefined {
    const people = kind === 'human' ? tenant.humans : tenant.services
    let user: SimUser | undefined
    for (let attempt = 0; attempt < 24 && !user; attempt++) {
      const candidate = this.rng.pick(people)
      if (inShift(candidate, tenant, ms)) user = candidate
    }
    if (!user) return undefined
    const fitting = (gateway: Gateway) =>
      tenant.servers.filter((server) => gateway.servers.includes(server.name) && serverFits(server, user))
    const usable = tenant.gateways.filter((gateway) => fitting(gateway).length > 0)
    const gateway =
      usable.length > 0 ? this.rng.weighted(usable, (g) => fitting(g).length) : this.rng.pick(tenant.gateways)
    const servers = this.rng.shuffle(fitting(gateway)).slice(0, this.rng.int(1, MAX_SERVERS_PER_SESSION))
    return {
      site: siteFor(this.rng, tenant, gateway, user, this.rng.bool(STATELESS_SHARE)),
      user,
      servers: servers.length > 0 ? servers : tenant.servers.filter((s) => gateway.servers.includes(s.name)),
      remaining: this.rng.geometric(MEAN_SESSION_CALLS),
      nextRequestId: 1,
      initialized: false,
      listed: new Set(),
    }
  }

  private step(session: Session, timeUs: number): SimCall {
    const { site } = session
    const format = site.gateway.format
    const server = this.rng.pick(session.servers)
    if (!session.initialized) {
      session.initialized = true
      if (site.protocolVersion < '2026-07-28' && logs(format, 'initialize')) {
        return initializeCall(this.rng, site, timeUs, server)
      }
    }
    if (!session.listed.has(server.name)) {
      session.listed.add(server.name)
      if (logs(format, 'tools/list'))
        return toolsListCall(this.rng, site, timeUs, server, session.nextRequestId++)
    }
    session.remaining--
    const requestId = session.nextRequestId++
    const draw = this.rng.next()
    if (server.resource && draw < 0.04 && logs(format, 'resources/read')) {
      return resourceCall(this.rng, site, timeUs, server, requestId)
    }
    if (server.prompts && draw > 0.99 && logs(format, 'prompts/get')) {
      return promptCall(this.rng, site, timeUs, server, requestId)
    }
    const tool = this.rng.weighted(
      server.tools,
      (t) => t.weight * (missingRole(t, session.user) ? FORBIDDEN_TOOL_WEIGHT * this.options.errorScale : 1),
    )
    const call = toolCall(this.rng, site, timeUs, server, tool, requestId, {
      errorScale: this.options.errorScale,
    })
    this.plant(call, tool.freeTextArg)
    return call
  }

  /** Personal data and secrets at their configured rates, in free-text arguments or else in the result. */
  private plant(call: SimCall, freeTextArg: string | undefined): void {
    const wantsPii = this.plantRng.bool(this.options.piiRate)
    const wantsSecret = this.plantRng.bool(this.options.secretRate)
    const piiType = this.plantRng.pick(PII_TYPES)
    const secretType = this.plantRng.pick(SECRET_TYPES)
    const planted: Array<[string, string]> = []
    if (wantsPii) planted.push([piiType, piiSentence(this.plantRng, piiType)])
    if (wantsSecret) planted.push([secretType, secretSentence(this.plantRng, secretType)])
    if (planted.length === 0) return
    const args = (call.params?.arguments ?? undefined) as Record<string, unknown> | undefined
    const result =
      call.outcome.kind === 'success' || call.outcome.kind === 'tool_error' ? call.outcome.result : undefined
    const content = result && 'content' in result ? (result.content as Array<{ text?: string }>) : undefined
    for (const [type, sentence] of planted) {
      if (freeTextArg && args && typeof args[freeTextArg] === 'string') {
        args[freeTextArg] = `${String(args[freeTextArg])}\n${sentence}`
      } else if (content?.[0] && typeof content[0].text === 'string') {
        content[0].text = `${content[0].text}\n${sentence}`
      } else {
        continue
      }
      call.planted.push(type)
    }
    if (call.planted.length > 0) call.attributes.sim_planted = call.planted.join(',')
  }
}
