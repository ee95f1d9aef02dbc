import { setTimeout as sleep } from 'node:timers/promises'
import { processEventMessage } from '../services/normalizer/pipeline.js'
import { collectorPath } from './lib/collector-path.js'
import { mainThreadCpuSeconds } from './lib/normalizer-probes.js'
import { pipelineDeps } from './lib/normalizer-stages.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'
import { eventIds, hostileBatch, ordinaryBatch, smallEvents } from './lib/security-events.js'
import {
  post,
  PSEUDONYMIZATION_KEY,
  setUpSecurityRig,
  TENANTS,
  type SecurityRig,
  type TenantId,
} from './lib/security-rig.js'
import { securitySections, type AdminRun, type FloodRun, type PhaseRun } from './lib/security-tables.js'
import { summarize } from './lib/stats.js'

/**
 * Issue 15's benchmark: (1) a batch of the adversarial strings of finding 2 followed by ordinary
 * events, which must be stored within a few seconds, beside a batch of ordinary text of the same
 * size; (2) finding 3: ingestion latency and detector windowed ticks without and with admin queries
 * running on the console. One pipeline in this process (security-rig.ts), as `mcp-audit start` runs it.
 */

interface Plan {
  batchEvents: number
  chars: number
  requestEvents: number
  followEvents: number
  phaseSeconds: number
  trickleRate: number
  timeoutMs: number
}

const FULL: Plan = {
  batchEvents: 192,
  chars: 65_536,
  requestEvents: 32,
  followEvents: 10,
  phaseSeconds: 12,
  trickleRate: 10,
  timeoutMs: 120_000,
}
const QUICK: Plan = { ...FULL, batchEvents: 64, phaseSeconds: 4, timeoutMs: 60_000 }

/** Heavy but allowed: each stays inside the embedded limits or is stopped by them. */
const ADMIN_QUERIES: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: 'GROUP BY over numbers(45 M)',
    sql: 'SELECT number % 1000003 AS k, count() AS n FROM numbers(45000000) GROUP BY k ORDER BY n DESC LIMIT 10',
  },
  {
    name: 'cross join numbers(6000) × numbers(6000), GROUP BY',
    sql: 'SELECT (a.number * 7919 + b.number) % 100003 AS k, count() AS n FROM numbers(6000) AS a CROSS JOIN numbers(6000) AS b GROUP BY k ORDER BY n DESC LIMIT 10',
  },
  {
    name: 'audit_events × numbers(100000), GROUP BY',
    sql: 'SELECT e.user_id AS user, e.tool AS tool, n.number % 1000 AS bucket, count() AS c, sum(e.len) AS bytes FROM (SELECT user_id, tool, length(arguments) + length(result) AS len FROM audit_events) AS e CROSS JOIN numbers(100000) AS n GROUP BY user, tool, bucket ORDER BY c DESC LIMIT 100',
  },
]

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size))
  return out
}

/** A batch from acme, then at once small ordinary events of every tenant; each timed until stored. */
async function flood(
  ctx: BenchmarkContext,
  rig: SecurityRig,
  kind: FloodRun['kind'],
  plan: Plan,
  problems: string[],
): Promise<FloodRun> {
  const make = kind === 'hostile' ? hostileBatch : ordinaryBatch
  const batch = make(`flood-${kind}`, plan.batchEvents, plan.chars)
  const bodies = chunks(batch, plan.requestEvents)
  const bytes = bodies.reduce((sum, events) => sum + Buffer.byteLength(JSON.stringify(events)), 0)
  ctx.progress(
    `${kind} batch: ${batch.length} events, ${(bytes / 1024 ** 2).toFixed(1)} MiB, then ordinary events`,
  )
  const cpu = process.cpuUsage()
  const started = performance.now()
  const answers = await Promise.all(bodies.map((events) => post(rig, 'acme', events)))
  const follow = Object.fromEntries(
    TENANTS.map((tenant) => [tenant, smallEvents(`follow-${kind}-${tenant}`, plan.followEvents)]),
  ) as Record<TenantId, Array<Record<string, unknown>>>
  const followAnswers = await Promise.all(TENANTS.map((tenant) => post(rig, tenant, follow[tenant])))
  for (const answer of [...answers, ...followAnswers]) {
    if (answer.status !== 202) problems.push(`${kind} batch: a POST was answered ${answer.status}`)
  }
  const followIds = TENANTS.flatMap((tenant) => eventIds(follow[tenant]))
  if (!(await rig.tap.waitFor(followIds, plan.timeoutMs)))
    problems.push(
      `${kind} batch: the ordinary events after it were not stored within ${plan.timeoutMs / 1000} s`,
    )
  const followSeconds = Object.fromEntries(
    TENANTS.map((tenant, i) => [
      tenant,
      (rig.tap.lastStoredAt(eventIds(follow[tenant])) - followAnswers[i]!.answeredAt) / 1000,
    ]),
  )
  const batchIds = eventIds(batch)
  if (!(await rig.tap.waitFor(batchIds, plan.timeoutMs)))
    problems.push(`${kind} batch: not stored within ${plan.timeoutMs / 1000} s`)
  const batchSeconds = (rig.tap.lastStoredAt(batchIds) - started) / 1000
  const used = process.cpuUsage(cpu)
  await checkStored(rig, [...batchIds, ...followIds], `${kind} batch`, problems)
  return {
    kind,
    events: batch.length,
    chars: plan.chars,
    bytes,
    followSeconds,
    batchSeconds,
    processCpuSeconds: (used.user + used.system) / 1e6,
    normalizerCpuMs: Number.NaN,
    normalizerWallMs: Number.NaN,
  }
}

/** The tap saw each insert return; the store must hold each of those rows once. */
async function checkStored(rig: SecurityRig, ids: string[], what: string, problems: string[]) {
  const [row] = await (
    await rig.store.client.query({
      query: `SELECT count() AS n FROM ${rig.store.database}.audit_events FINAL WHERE event_id IN {ids:Array(String)}`,
      query_params: { ids },
      format: 'JSONEachRow',
    })
  ).json<{ n: string | number }>()
  if (Number(row?.n) !== ids.length)
    problems.push(`${what}: ${String(row?.n)} rows in the store, expected ${ids.length}`)
}

/** The normalizer's CPU stages alone on a batch's messages, as the collector would write them. */
function normalizerAlone(rig: SecurityRig, batch: ReadonlyArray<Record<string, unknown>>, plan: Plan) {
  const deps = pipelineDeps(rig.config, PSEUDONYMIZATION_KEY)
  const messages = chunks(batch, plan.requestEvents).flatMap(
    (events) => collectorPath(JSON.stringify(events), { tenantId: 'acme', gateway: 'acme-gateway' }).events,
  )
  const cpu = mainThreadCpuSeconds()
  const started = performance.now()
  messages.forEach((message, index) => {
    const outcome = processEventMessage(
      { value: Buffer.from(String(message.value)), offset: String(index) },
      0,
      deps,
    )
    if (outcome.kind !== 'ok') throw new Error(`a benchmark event was not stored: ${outcome.kind}`)
  })
  return { cpuMs: (mainThreadCpuSeconds() - cpu) * 1000, wallMs: performance.now() - started }
}

async function adminLoop(rig: SecurityRig, tenant: TenantId, until: () => boolean, runs: AdminRun[]) {
  for (let i = tenant === 'acme' ? 0 : 1; !until(); i++) {
    const query = ADMIN_QUERIES[i % ADMIN_QUERIES.length]!
    const began = performance.now()
    const res = await fetch(`${rig.consoleUrl}/api/v1/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${rig.adminTokens[tenant]}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ sql: query.sql }),
    })
    const body = (await res.json()) as { error?: string }
    runs.push({
      tenant,
      query: query.name,
      status: res.status,
      ms: performance.now() - began,
      ...(res.status === 200 ? {} : { error: body.error ?? '' }),
    })
    if (res.status === 429) await sleep(100)
  }
}

const HALF_HOUR_MS = 30 * 60_000
/** The detector's default pause between ticks, by which the benchmark's clock moves per tick. */
const TICK_STEP_MS = 15_000
/** Real time between the benchmark's ticks: the detector's day runs 30 times faster. */
const TICK_PERIOD_MS = 500

/**
 * The windowed scheduler ticked as its timer would tick it (the timer is off), on a clock ahead of
 * the wall clock that moves 15 s per tick: each tick judges the buckets that became due, as in
 * production. Each phase's ticks straddle a 30-minute boundary, where the 1- to 30-minute buckets of
 * every windowed rule end together: the heaviest tick a detector runs. Catching the rules up to a
 * phase's start happens before the phase, untimed.
 */
class TickClock {
  private now = Math.ceil((Date.now() + 2 * 3_600_000) / HALF_HOUR_MS) * HALF_HOUR_MS

  constructor(
    private readonly rig: SecurityRig,
    private readonly problems: string[],
  ) {}

  private async tick(): Promise<{ behind: boolean; windows: number }> {
    const reports = await this.rig.detector.scheduler.runOnce(
      new Date(this.now + this.rig.config.detector.lagMs),
    )
    for (const report of reports) {
      if (report.error) this.problems.push(`detector tick: rule ${report.ruleId} failed: ${report.error}`)
    }
    return {
      behind: reports.some((report) => report.behind),
      windows: reports.reduce((sum, report) => sum + report.windows.length, 0),
    }
  }

  /** Moves to the next 30-minute boundary less half a phase and brings every rule up to it. */
  async startPhase(phaseSeconds: number): Promise<void> {
    const ticks = Math.ceil((phaseSeconds * 1_000) / TICK_PERIOD_MS)
    const boundary = Math.ceil((this.now + HALF_HOUR_MS) / HALF_HOUR_MS) * HALF_HOUR_MS
    this.now = boundary - Math.floor(ticks / 2) * TICK_STEP_MS
    for (let i = 0; i < 5 && (await this.tick()).behind; i++);
  }

  /** One tick 15 s after the last: its milliseconds and the buckets it judged. */
  async next(): Promise<{ ms: number; windows: number }> {
    this.now += TICK_STEP_MS
    const started = performance.now()
    const { windows } = await this.tick()
    return { ms: performance.now() - started, windows }
  }
}

/** The trickle, the detector's ticks and (with `withAdmin`) two admin query loops, together. */
async function phase(
  ctx: BenchmarkContext,
  rig: SecurityRig,
  clock: TickClock,
  withAdmin: boolean,
  plan: Plan,
) {
  ctx.progress(
    `trickle of ${plan.trickleRate} events/s for ${plan.phaseSeconds} s, ${withAdmin ? 'with' : 'without'} admin queries`,
  )
  await clock.startPhase(plan.phaseSeconds)
  let done = false
  const admin: AdminRun[] = []
  const adminLoops = withAdmin ? TENANTS.map((tenant) => adminLoop(rig, tenant, () => done, admin)) : []
  if (withAdmin) await sleep(300)
  const ticks: PhaseRun['ticks'] = []
  const tickLoop = (async () => {
    while (!done) {
      const started = performance.now()
      ticks.push(await clock.next())
      await sleep(Math.max(0, TICK_PERIOD_MS - (performance.now() - started)))
    }
  })()

  const label = withAdmin ? 'admin' : 'quiet'
  const count = plan.trickleRate * plan.phaseSeconds
  const periodMs = 1_000 / plan.trickleRate
  const started = performance.now()
  const sends: Array<Promise<number>> = []
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + i * periodMs - performance.now()))
    const tenant = TENANTS[i % TENANTS.length]!
    const events = smallEvents(`trickle-${label}-${i}`, 1)
    ids.push(...eventIds(events))
    const sent = performance.now()
    sends.push(post(rig, tenant, events).then((answer) => answer.answeredAt - sent))
  }
  const postToAccepted = await Promise.all(sends)
  await rig.tap.waitFor(ids, plan.timeoutMs)
  done = true
  await Promise.all([...adminLoops, tickLoop])
  const latencies = ids.flatMap((id) => rig.tap.latencyMs.get(id) ?? [])
  return {
    withAdmin,
    trickleEvents: count,
    stored: latencies.length,
    receiptToStored: summarize(latencies),
    postToAccepted: summarize(postToAccepted),
    ticks,
    admin,
  } satisfies PhaseRun
}

function verdicts(floods: readonly FloodRun[], phases: readonly PhaseRun[]): string[] {
  const problems: string[] = []
  for (const run of floods) {
    for (const [tenant, seconds] of Object.entries(run.followSeconds)) {
      if (!(seconds <= 5))
        problems.push(
          `${tenant}'s ordinary events after the ${run.kind} batch took ${seconds.toFixed(2)} s to store (over 5 s)`,
        )
    }
  }
  const [quiet, busy] = phases
  if (quiet && busy) {
    const extra = busy.receiptToStored.max - quiet.receiptToStored.max
    if (!(extra <= 1_000))
      problems.push(
        `admin queries held up ingestion: receipt → stored max ${Math.round(busy.receiptToStored.max)} ms vs ${Math.round(quiet.receiptToStored.max)} ms without`,
      )
    const tickMax = (ticks: PhaseRun['ticks']) => Math.max(...ticks.map((tick) => tick.ms))
    if (!(tickMax(busy.ticks) - tickMax(quiet.ticks) <= 1_000))
      problems.push(
        `admin queries held up detector ticks: max ${Math.round(tickMax(busy.ticks))} ms vs ${Math.round(tickMax(quiet.ticks))} ms without`,
      )
    if (busy.stored !== busy.trickleEvents || quiet.stored !== quiet.trickleEvents)
      problems.push('not every trickle event was stored in time')
    // "the query failed: …" is ClickHouse stopping it at a limit; anything else is the guard refusing it.
    const rejected = busy.admin.filter(
      (run) => run.status === 400 && !(run.error ?? '').startsWith('the query failed:'),
    )
    if (rejected.length > 0)
      problems.push(`the console refused an admin query of the benchmark: ${rejected[0]!.error}`)
    if (!busy.admin.some((run) => run.status === 200 || run.status === 400))
      problems.push('no admin query ran during the admin phase')
  }
  return problems
}

async function runSecurityBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const plan = ctx.quick ? QUICK : FULL
  const rig = await setUpSecurityRig(ctx)
  const problems: string[] = []
  ctx.progress('warm-up: a few ordinary events and the detector ticks')
  const warm = smallEvents('warmup', 50)
  await post(rig, 'acme', warm)
  await rig.tap.waitFor(eventIds(warm), plan.timeoutMs)
  const clock = new TickClock(rig, problems)
  await clock.startPhase(0)

  const floods = [
    await flood(ctx, rig, 'ordinary', plan, problems),
    await flood(ctx, rig, 'hostile', plan, problems),
  ]
  const phases = [await phase(ctx, rig, clock, false, plan), await phase(ctx, rig, clock, true, plan)]

  ctx.progress('the normalizer alone on each batch')
  normalizerAlone(rig, ordinaryBatch('warm', 16, plan.chars), plan)
  for (const run of floods) {
    const batch = (run.kind === 'hostile' ? hostileBatch : ordinaryBatch)('alone', run.events, run.chars)
    const alone = normalizerAlone(rig, batch, plan)
    run.normalizerCpuMs = alone.cpuMs
    run.normalizerWallMs = alone.wallMs
  }
  return {
    problems: [...problems, ...verdicts(floods, phases)],
    sections: securitySections({
      floods,
      tenants: TENANTS,
      phases,
      trickleRate: plan.trickleRate,
      phaseSeconds: plan.phaseSeconds,
    }),
  }
}

export const securityBenchmark: Benchmark = {
  name: 'security',
  summary:
    'issue 15: ordinary events behind a batch of adversarial strings (vs. ordinary text), and ingestion and detector ticks while admin queries run',
  run: runSecurityBenchmark,
}
