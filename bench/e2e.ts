import { BROKER_HEAP_MB } from './lib/bench-broker.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { packageRoot } from '../services/platform/paths.js'
import { measureCeilings, type CeilingPlan } from './lib/e2e-ceilings.js'
import { CpuMeter } from './lib/e2e-cpu.js'
import {
  bodiesForRun,
  RssSampler,
  SEQUENCE,
  setUp,
  startPipeline,
  storedFootprint,
  type Pipeline,
  type Rig,
} from './lib/e2e-rig.js'
import { costSection, goalSection, profileSection } from './lib/e2e-goals.js'
import { e2eSections, type BurstRun, type E2eInput, type RateRun } from './lib/e2e-tables.js'
import { MainThreadProfiler } from './lib/e2e-profile.js'
import { LoadGenerator } from './lib/load.js'
import { histogramTotals, ResourceProbe } from './lib/probes.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'
import { summarize } from './lib/stats.js'

/**
 * The whole pipeline in one process, as `mcp-audit start` runs it: HTTP load from a worker thread →
 * collector → Kafka (a real local broker) → normalizer with redaction → embedded ClickHouse, with
 * the detector's stream rules on the stored rows. Every event is new (its id carries the request's
 * sequence number), and a row counts as arrived when the normalizer's insert of it has returned.
 * Beside it, in the same run and on the same events, each part alone with the CPU it spends per
 * event (e2e-ceilings.ts), and the goals beside the figures.
 */

const BATCH = 100
const CONNECTIONS = 16

interface Plan {
  /** A first burst, not reported, so that JIT, worker threads and the embedded engine are warm. */
  warmup: number
  /** Events of the 1× and 10× bursts; the 10× burst gives the maximum throughput (the burst: 500,000). */
  bursts: [number, number]
  /** Fixed offered rates, events/s; 10,000 is the latency target. */
  rates: number[]
  rateSeconds: number
  /** A burst may take this long per event (ms) before it counts as not stored in time: a floor of 500 events/s. */
  timeoutMsPerEvent: number
  timeoutMs: number
  ceilings: CeilingPlan
}

const FULL: Plan = {
  warmup: 5_000,
  bursts: [50_000, 500_000],
  rates: [2_500, 5_000, 10_000, 15_000],
  rateSeconds: 6,
  timeoutMsPerEvent: 2,
  timeoutMs: 120_000,
  ceilings: {
    cpuMs: 1_000,
    collectorEvents: 50_000,
    produceMs: 2_500,
    stageEvents: 20_000,
    insertEvents: 20_000,
  },
}
const QUICK: Plan = {
  warmup: 2_000,
  bursts: [4_000, 40_000],
  rates: [2_500, 10_000],
  rateSeconds: 2,
  timeoutMsPerEvent: 2,
  timeoutMs: 60_000,
  ceilings: {
    cpuMs: 300,
    collectorEvents: 10_000,
    produceMs: 1_000,
    stageEvents: 5_000,
    insertEvents: 5_000,
  },
}

/** As many events as fast as 16 connections send them, until every one of them is stored. */
async function burst(
  ctx: BenchmarkContext,
  rig: Rig,
  load: LoadGenerator,
  events: number,
  plan: Plan,
  profiler?: MainThreadProfiler,
) {
  const label = `${events / 1000}k`
  const pipeline = await startPipeline(ctx, rig, `burst_${label}`)
  const requests = events / BATCH
  ctx.progress(
    `burst of ${events.toLocaleString('en-US')} events in requests of ${BATCH}, ${CONNECTIONS} connections`,
  )
  const rss = new RssSampler()
  const probe = new ResourceProbe(rig.brokerPid)
  const meter = new CpuMeter(rig.brokerPid)
  const timeoutMs = Math.max(plan.timeoutMs, events * plan.timeoutMsPerEvent)
  await profiler?.start()
  const started = performance.now()
  const result = await load.run(
    {
      url: pipeline.url,
      token: rig.token,
      connections: CONNECTIONS,
      batch: BATCH,
      mode: 'closed',
      warmupMs: 0,
      durationMs: timeoutMs,
      maxRequests: requests,
      sequencePlaceholder: SEQUENCE,
    },
    bodiesForRun(rig, label),
  )
  const acceptedAt = performance.now()
  const complete = await pipeline.tap.waitFor(result.total.acceptedEvents, timeoutMs)
  const seconds = ((complete ? pipeline.tap.lastStoredAt : performance.now()) - started) / 1000
  const cpu = meter.read()
  const profile = await profiler?.stop()
  const resources = probe.read()
  const memory = rss.stop()
  const inserts = await histogramTotals(pipeline.registry, 'mcp_audit_normalizer_insert_seconds')
  const produces = await histogramTotals(pipeline.registry, 'mcp_audit_collector_kafka_produce_seconds')
  await pipeline.stop()
  const footprint = await storedFootprint(pipeline.store)
  await dropDatabase(pipeline)
  return {
    events,
    accepted: result.total.acceptedEvents,
    statuses: result.total.statuses,
    complete,
    seconds,
    acceptSeconds: (acceptedAt - started) / 1000,
    postToAccepted: summarize(result.latenciesMs),
    receivedToStored: summarize(pipeline.tap.latenciesMs),
    storedByTap: pipeline.tap.stored,
    cpu,
    loadCpuSeconds: result.cpuSeconds,
    detectorSeconds: pipeline.tap.detectorSeconds,
    insertSeconds: inserts.sum,
    inserts: inserts.count,
    produceSeconds: produces.sum,
    memory,
    resources,
    footprint,
    ...(profile ? { profile } : {}),
  } satisfies BurstRun
}

async function dropDatabase(pipeline: Pipeline): Promise<void> {
  await pipeline.store.client.command({ query: `DROP DATABASE IF EXISTS ${pipeline.store.database} SYNC` })
}

/** Fixed offered rates on one pipeline, each drained before the next; latency is per event. */
async function rates(ctx: BenchmarkContext, rig: Rig, load: LoadGenerator, plan: Plan) {
  const pipeline = await startPipeline(ctx, rig, 'rates')
  const runs: RateRun[] = []
  let expected = 0
  for (const offered of plan.rates) {
    ctx.progress(`fixed rate: ${offered.toLocaleString('en-US')} events/s for ${plan.rateSeconds} s`)
    pipeline.tap.reset()
    const rss = new RssSampler()
    const probe = new ResourceProbe(rig.brokerPid)
    const started = performance.now()
    const result = await load.run(
      {
        url: pipeline.url,
        token: rig.token,
        connections: CONNECTIONS,
        batch: BATCH,
        mode: 'open',
        eventsPerSecond: offered,
        warmupMs: 0,
        durationMs: plan.rateSeconds * 1000,
        sequencePlaceholder: SEQUENCE,
      },
      bodiesForRun(rig, `rate${offered}`),
    )
    const answeredAt = performance.now()
    expected += result.total.acceptedEvents
    const timeoutMs = Math.max(plan.timeoutMs, result.total.acceptedEvents * plan.timeoutMsPerEvent)
    const complete = await pipeline.tap.waitFor(expected, timeoutMs)
    runs.push({
      offered,
      scheduleSeconds: plan.rateSeconds,
      drainSeconds: complete ? Math.max(0, pipeline.tap.lastStoredAt - answeredAt) / 1000 : Number.NaN,
      storedSeconds: complete ? (pipeline.tap.lastStoredAt - started) / 1000 : Number.NaN,
      achieved: (result.total.acceptedEvents / result.windowMs) * 1000,
      accepted: result.total.acceptedEvents,
      statuses: result.total.statuses,
      complete,
      postToAccepted: summarize(result.latenciesMs),
      receivedToStored: summarize(pipeline.tap.latenciesMs),
      memory: rss.stop(),
      resources: probe.read(),
    })
  }
  await pipeline.stop()
  const footprint = await storedFootprint(pipeline.store)
  await dropDatabase(pipeline)
  return { runs, stored: footprint.final, expected }
}

function problemsOf(
  bursts: readonly BurstRun[],
  rateRuns: readonly RateRun[],
  stored: number,
  expected: number,
) {
  const problems: string[] = []
  for (const run of bursts) {
    const where = `burst of ${run.events}`
    if (run.accepted !== run.events)
      problems.push(`${where}: ${run.accepted} accepted (${JSON.stringify(run.statuses)})`)
    if (!run.complete) problems.push(`${where}: only ${run.storedByTap} of ${run.accepted} stored in time`)
    if (run.footprint.final !== run.accepted)
      problems.push(`${where}: ${run.footprint.final} rows stored (FINAL), expected ${run.accepted}`)
  }
  // A rate the pipeline cannot sustain may be answered 503 (backpressure): the table shows it.
  for (const run of rateRuns) {
    if (!run.complete) problems.push(`rate ${run.offered}/s: not every event was stored in time`)
  }
  if (stored !== expected) problems.push(`fixed rates: ${stored} rows stored (FINAL), expected ${expected}`)
  return problems
}

async function runE2eBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const plan = ctx.quick ? QUICK : FULL
  const rig = await setUp(ctx, BATCH)
  const load = new LoadGenerator()
  ctx.defer('stop the load generator', () => load.stop())
  const idleRss = process.memoryUsage().rss

  ctx.progress('warm-up:')
  const warmup = await burst(ctx, rig, load, plan.warmup, plan)
  const bursts: BurstRun[] = []
  // The 1× burst runs under the main thread's CPU profiler; the 10× burst, the headline, without.
  const [small, large] = plan.bursts
  bursts.push(await burst(ctx, rig, load, small, plan, new MainThreadProfiler()))
  bursts.push(await burst(ctx, rig, load, large, plan))
  const rateResult = await rates(ctx, rig, load, plan)
  const ceilingResult = await measureCeilings(ctx, rig, load, {
    ...plan.ceilings,
    timeoutMs: plan.timeoutMs,
    connections: CONNECTIONS,
  })

  const input: E2eInput = {
    bursts,
    rates: rateResult.runs,
    ceilings: ceilingResult,
    idleRss,
    warmup: warmup.events,
    meanEventBytes: rig.meanEventBytes,
    batch: BATCH,
    connections: CONNECTIONS,
    rateSeconds: plan.rateSeconds,
  }
  const kafkajsPackage = path.join(packageRoot(), 'node_modules', 'kafkajs', 'package.json')
  const kafkajsVersion = (JSON.parse(readFileSync(kafkajsPackage, 'utf8')) as { version: string }).version
  return {
    environment: {
      Kafka: `Apache Kafka ${KAFKA_VERSION} (KRaft, one local node, ${BROKER_HEAP_MB} MB heap), kafkajs ${kafkajsVersion}`,
    },
    problems: problemsOf([warmup, ...bursts], rateResult.runs, rateResult.stored, rateResult.expected),
    sections: [
      goalSection(input),
      ...e2eSections(input),
      costSection(input),
      ...[profileSection(input)].filter((section) => section !== undefined),
    ],
  }
}

export const e2eBenchmark: Benchmark = {
  name: 'e2e',
  summary:
    'the whole pipeline in one process as `mcp-audit start` runs it: POST → row stored, throughput, latency at fixed rates, memory, 1× vs 10× data (500,000 events), each part alone and its CPU per event, the issue-19 goals beside the figures',
  run: runE2eBenchmark,
}
