import { randomBytes } from 'node:crypto'
import { loadCatalogue } from './catalogue/index.js'
import { isoMs } from './clock.js'
import { encode } from './encoders/index.js'
import { statusOf } from './encoders/shared.js'
import { buildTenants, SAMPLE_TENANTS } from './population.js'
import { Rng } from './rng.js'
import {
  planScenarios,
  resolveScenarios,
  type Incident,
  type ScenarioName,
  type ScenarioPlan,
} from './scenarios/index.js'
import { CALLS_PER_SESSION_MINUTE, BenignTraffic } from './sessions.js'
import { sampleShifts, Timeline } from './timeline.js'
import {
  SIM_FORMATS,
  type Catalogue,
  type SimCall,
  type SimFormat,
  type SimRecord,
  type TenantProfile,
  type TenantSpec,
} from './types.js'

export interface TrafficOptions {
  /** Same seed and options (with `start`) → the same records, byte for byte. Random when absent. */
  seed?: string | number
  /**
   * The people, servers, gateways and working hours come from this seed (default: `seed`), so runs
   * with different seeds can share one population: a history, then a day of traffic on top of it.
   */
  populationSeed?: string | number
  /** MCP calls per second of wall-clock time. Default 20. */
  rate?: number
  /** Wall-clock seconds. Default 60. */
  duration?: number
  /** Simulated time runs this many times faster than the wall clock (1440: a day in a minute). Default 1. */
  compressTime?: number
  /** Start of simulated time. Default: now, or with compression, so that the simulated span ends when the run does. */
  start?: string | number | Date
  /** The wall clock, for tests; default Date.now(). */
  now?: number
  tenants?: readonly TenantSpec[]
  /** Gateway formats every tenant runs, one gateway each. Default: all eight. */
  formats?: readonly SimFormat[]
  /** Scenario names, `all` or `benign`. Default: benign only. */
  scenarios?: readonly string[]
  /** Share of tool calls carrying personal data in arguments or results. Default 0.02. */
  piiRate?: number
  /** Share of tool calls carrying a secret. Default 0.002. */
  secretRate?: number
  /** Multiplies every tool's error and timeout rates and how often people try forbidden tools. Default 1; 0: no failures. */
  errorScale?: number
  /** `auto` (plus the recorded servers kept in the repository), `builtin`, a file, or a catalogue. */
  catalogue?: string | Catalogue
  /** Recorded servers each tenant adds to the built-in ones. Default 4. */
  recordedServersPerTenant?: number
  /** Encode every call in this format instead of its gateway's (e.g. `generic` for one NDJSON file). */
  outputFormat?: SimFormat
  /** Calls to generate; default rate × duration. */
  calls?: number
}

export interface Traffic {
  seed: string
  start: string
  end: string
  /** The recording the servers came from besides the built-in ones, if any. */
  catalogue: string
  /** Calls planned (benign plus scenario). */
  calls: number
  rate: number
  tenants: TenantProfile[]
  /** Automation accounts; list them in `pseudonymization.serviceAccounts` so people-only rules skip them. */
  serviceAccounts: string[]
  scenarios: ScenarioName[]
  incidents: Incident[]
  records: Generator<SimRecord>
}

function startOf(options: TrafficOptions, spanMs: number, durationMs: number): number {
  if (options.start !== undefined) {
    const ms =
      options.start instanceof Date
        ? options.start.getTime()
        : typeof options.start === 'number'
          ? options.start
          : Date.parse(options.start)
    if (!Number.isFinite(ms))
      throw new Error(
        `start "${String(options.start)}" is not a date; give ISO 8601 such as 2026-11-24T00:00:00Z`,
      )
    return ms
  }
  // Compressed runs replay the span that ends as the run ends, so the last events are current.
  return (options.now ?? Date.now()) - Math.max(0, spanMs - durationMs)
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got ${value}`)
  return value
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be zero or more, got ${value}`)
  return value
}

function rate01(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new Error(`${name} must be between 0 and 1, got ${value}`)
  return value
}

function* merge(benign: Generator<SimCall>, attacks: readonly SimCall[]): Generator<SimCall> {
  let next = 0
  for (const call of benign) {
    while (next < attacks.length && attacks[next]!.timeUs <= call.timeUs) yield attacks[next++]!
    yield call
  }
  while (next < attacks.length) yield attacks[next++]!
}

function* records(
  calls: Generator<SimCall>,
  plans: readonly ScenarioPlan[],
  outputFormat?: SimFormat,
): Generator<SimRecord> {
  const silences = plans.flatMap((plan) => (plan.silence ? [plan.silence] : []))
  let sequence = 0
  for (const call of calls) {
    if (
      silences.some(
        (s) => s.gateway === call.gateway.name && call.timeUs >= s.fromUs && call.timeUs < s.untilUs,
      )
    )
      continue
    const format = outputFormat ?? call.gateway.format
    const encoded = encode(call, format)
    if (encoded.length === 0) continue
    const index = sequence++
    for (const one of encoded) {
      yield {
        call: index,
        format,
        record: one.record,
        tenant: call.tenant,
        gateway: call.gateway.name,
        ...(one.server ? { server: one.server } : {}),
        timestamp: isoMs(call.timeUs),
        events: one.events,
        eventId: call.eventId,
        method: call.method,
        status: statusOf(call),
        ...(call.scenario ? { scenario: call.scenario } : {}),
        ...(call.planted.length > 0 ? { planted: [...call.planted] } : {}),
      }
    }
  }
}

/** Plans a run (population, timeline, scenarios) and returns its records as a lazy stream. */
export function createTraffic(options: TrafficOptions = {}): Traffic {
  const seed = String(options.seed ?? randomBytes(6).toString('hex'))
  const rate = positive('rate', options.rate ?? 20)
  const duration = positive('duration', options.duration ?? 60)
  const compress = positive('compressTime', options.compressTime ?? 1)
  const formats = options.formats ?? SIM_FORMATS
  if (formats.length === 0) throw new Error('formats must name at least one gateway format')
  const tenantSpecs = options.tenants ?? SAMPLE_TENANTS
  if (tenantSpecs.length === 0) throw new Error('tenants must name at least one tenant')
  const catalogue =
    typeof options.catalogue === 'object' ? options.catalogue : loadCatalogue(options.catalogue ?? 'auto')
  const scenarios = resolveScenarios(options.scenarios ?? [])
  const calls = Math.max(0, Math.round(options.calls ?? rate * duration))

  const rng = new Rng(seed)
  const populationRng = new Rng(String(options.populationSeed ?? seed))
  const spanMs = duration * 1000 * compress
  const startMs = startOf(options, spanMs, duration * 1000)
  const timeline = new Timeline(startMs, spanMs, tenantSpecs, sampleShifts(populationRng.fork('shifts')))
  const peak = timeline.peakPerMinute(calls)
  const peakOf = (id: string) => peak[tenantSpecs.findIndex((tenant) => tenant.id === id)]!
  const sessionsAt = (perMinute: number) => Math.ceil(perMinute / CALLS_PER_SESSION_MINUTE)
  const tenants = buildTenants(populationRng.fork('population'), tenantSpecs, {
    catalogue,
    formats,
    // Enough people that each keeps to one or two sessions at the busiest minute, within reason.
    humansPerTenant: (id) => Math.min(20_000, Math.max(25, Math.ceil(sessionsAt(peakOf(id).human) * 1.6))),
    recordedServersPerTenant: options.recordedServersPerTenant ?? 4,
  })

  const plans = planScenarios({ rng: rng.fork('scenarios'), tenants, timeline }, scenarios)
  const attacks = plans.flatMap((plan) => plan.calls).sort((a, b) => a.timeUs - b.timeUs)
  const benignCalls = Math.max(0, calls - attacks.length)
  const benign = new BenignTraffic(rng.fork('benign'), tenants, timeline, benignCalls, {
    piiRate: rate01('piiRate', options.piiRate ?? 0.02),
    secretRate: rate01('secretRate', options.secretRate ?? 0.002),
    errorScale: nonNegative('errorScale', options.errorScale ?? 1),
  })
  function* benignStream(): Generator<SimCall> {
    for (const timeUs of timeline.slots(benignCalls, rng.fork('slots'))) yield benign.next(timeUs)
  }

  return {
    seed,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + spanMs).toISOString(),
    catalogue: catalogue.source ?? 'builtin',
    calls: benignCalls + attacks.length,
    rate,
    tenants,
    serviceAccounts: tenants.flatMap((tenant) => tenant.services.map((user) => user.id)),
    scenarios,
    incidents: plans.map((plan) => plan.incident),
    records: records(merge(benignStream(), attacks), plans, options.outputFormat),
  }
}

/** Every record of a run, in order: for tests and small runs (use `createTraffic` to stream large ones). */
export function generateTraffic(options: TrafficOptions = {}): SimRecord[] {
  return [...createTraffic(options).records]
}
