import { siteFor, type CallSite } from '../calls.js'
import { isWeekend, isoMs, localTime } from '../clock.js'
import { BUILTIN_SERVERS } from '../catalogue/index.js'
import type { Rng } from '../rng.js'
import type { Timeline } from '../timeline.js'
import {
  MARK_PRESERVING_FORMATS,
  type Gateway,
  type SimFormat,
  type ServerSpec,
  type SimCall,
  type SimUser,
  type TenantProfile,
  type ToolSpec,
} from '../types.js'

export const SCENARIO_NAMES = [
  'path-traversal',
  'command-injection',
  'secret-exfiltration',
  'rug-pull',
  'credential-brute-force',
  'off-hours',
  'runaway-loop',
  'new-unknown-server',
  'silent-gateway',
  'unauthenticated',
  'prompt-injection',
] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

/** What a scenario did, for tests and for the run summary: who, where, when, and what to look for. */
export interface Incident {
  scenario: ScenarioName
  tenant: string
  gateway: string
  format: string
  user: string | null
  sessionId: string | null
  from: string
  to: string
  eventIds: string[]
  signals: string[]
  note?: string
}

export interface ScenarioPlan {
  calls: SimCall[]
  incident: Incident
  /** A gateway that goes quiet: its records are dropped in this interval (µs since the epoch). */
  silence?: { tenant: string; gateway: string; fromUs: number; untilUs: number }
}

export interface ScenarioContext {
  rng: Rng
  tenants: readonly TenantProfile[]
  timeline: Timeline
  /** A gateway that the silent-gateway scenario mutes; other scenarios stay off it. */
  mutedGateway?: string
}

export function mark(call: SimCall, scenario: ScenarioName, step?: string): SimCall {
  call.scenario = scenario
  call.attributes.sim_scenario = scenario
  if (step) call.attributes.sim_step = step
  return call
}

export function server(tenant: TenantProfile, name: string): ServerSpec {
  const found = tenant.servers.find((s) => s.name === name) ?? BUILTIN_SERVERS.find((s) => s.name === name)
  if (!found) throw new Error(`scenario needs server ${name}, which is not in the catalogue`)
  return found
}

export function toolOf(spec: ServerSpec, name: string): ToolSpec {
  const found = spec.tools.find((t) => t.name === name)
  if (!found) throw new Error(`scenario needs tool ${spec.name}.${name}, which is not in the catalogue`)
  return found
}

/** A gateway whose format keeps `attributes.sim_scenario` through the collector, if the tenant has one. */
export function attackGateway(
  ctx: ScenarioContext,
  tenant: TenantProfile,
  preferred: readonly SimFormat[] = MARK_PRESERVING_FORMATS,
): Gateway {
  const usable = tenant.gateways.filter((g) => g.name !== ctx.mutedGateway)
  for (const formats of [preferred, MARK_PRESERVING_FORMATS]) {
    const fitting = usable.filter((g) => formats.includes(g.format))
    if (fitting.length > 0) return ctx.rng.pick(fitting)
  }
  return ctx.rng.pick(usable.length > 0 ? usable : tenant.gateways)
}

function atWork(user: SimUser, tenant: TenantProfile, ms: number): boolean {
  const time = localTime(tenant.timezone, ms)
  return !isWeekend(time) && time.hour >= user.shift.start + 0.25 && time.hour < user.shift.end - 0.5
}

/**
 * Someone at work, `fraction` of the way through the span's working time (so scenarios spread over
 * the working day and an attack does not also look like off-hours access). With nobody at work
 * anywhere in the span, an automation acts (a hijacked agent), since automations work at night.
 */
export function actorAt(
  ctx: ScenarioContext,
  fraction: number,
  burstSeconds: number,
  want: (user: SimUser) => boolean = () => true,
): { tenant: TenantProfile; user: SimUser; ms: number } {
  const { timeline } = ctx
  // The whole burst stays inside the span when it fits.
  const fit = (ms: number) =>
    Math.max(timeline.startMs, Math.min(ms, timeline.endMs - burstSeconds * 1000 - 1))
  const anchor = timeline.workingQuantile(fraction)
  if (anchor !== undefined) {
    // Shifts start and end at different times: look a little later (then earlier) for a fitting person.
    for (const offsetMinutes of [0, 15, 30, 60, 120, -15, -30, -60, -120]) {
      const ms = fit(anchor + offsetMinutes * 60_000)
      const tenants = [...ctx.tenants].sort((a, b) => b.weight - a.weight)
      for (const tenant of tenants) {
        const people = tenant.humans.filter((user) => atWork(user, tenant, ms) && want(user))
        if (people.length > 0) return { tenant, user: ctx.rng.pick(people), ms }
      }
    }
  }
  const tenant = [...ctx.tenants].sort((a, b) => b.weight - a.weight)[0]!
  return {
    tenant,
    user: ctx.rng.pick(tenant.services),
    ms: fit(timeline.startMs + fraction * timeline.spanMs),
  }
}

/** A call site with a session id (an older-revision client), for scenarios that chain calls in one session. */
export function sessionSite(
  ctx: ScenarioContext,
  tenant: TenantProfile,
  user: SimUser,
  gateway: Gateway,
): CallSite {
  const site = siteFor(ctx.rng, tenant, gateway, user, false)
  if (site.sessionId === null) {
    site.sessionId = ctx.rng.uuid()
    site.protocolVersion = '2025-11-25'
  }
  return site
}

export function incident(
  scenario: ScenarioName,
  site: CallSite,
  calls: readonly SimCall[],
  signals: string[],
  note?: string,
): Incident {
  const times = calls.map((call) => call.timeUs)
  return {
    scenario,
    tenant: site.tenant.id,
    gateway: site.gateway.name,
    format: site.gateway.format,
    user: site.user?.id ?? null,
    sessionId: site.sessionId,
    from: isoMs(Math.min(...times)),
    to: isoMs(Math.max(...times)),
    eventIds: calls.map((call) => call.eventId),
    signals,
    ...(note ? { note } : {}),
  }
}

/**
 * Seconds between the calls of a burst: `nominal`, or less when the run is too short to hold the
 * burst, so a one-minute demo still gets all of it (faster, which trips the same rules).
 */
export function spread(ctx: ScenarioContext, nominal: number, calls: number): number {
  return Math.min(nominal, ((ctx.timeline.spanMs / 1000) * 0.8) / Math.max(1, calls - 1))
}

/** Seconds after `ms`, as µs. */
export function after(ms: number, seconds: number): number {
  return Math.floor((ms + seconds * 1000) * 1000)
}
