import { BROKER_HEAP_MB } from './lib/bench-broker.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { packageRoot } from '../services/platform/paths.js'
import { AppConfig } from '../schemas/config.js'
import { collectorPath, cpuThroughput } from './lib/collector-path.js'
import {
  bodiesForRun,
  PATH_CTX,
  PSEUDONYMIZATION_KEY,
  RssSampler,
  SEQUENCE,
  setUp,
  startPipeline,
  storedFootprint,
  type Pipeline,
  type Rig,
} from './lib/e2e-rig.js'
import { e2eSections, type BurstRun, type Ceilings, type RateRun } from './lib/e2e-tables.js'
import { rawProduce } from './lib/kafka-ceiling.js'
import { LoadGenerator } from './lib/load.js'
import { rawConsume, rawInsert } from './lib/normalizer-ceilings.js'
import type { RawMessage } from './lib/normalizer-events.js'
import { measureStages, pipelineDeps } from './lib/normalizer-stages.js'
import { histogramTotals, ResourceProbe } from './lib/probes.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'
import { roundRate, summarize } from './lib/stats.js'
import { createKafka } from '../services/platform/kafka/client.js'
import { ensureTopics } from '../services/platform/kafka/topics.js'
import { migrate } from '../services/platform/migrations.js'

/**
 * The whole pipeline in one process, as `mcp-audit start` runs it: HTTP load from a worker thread →
 * collector → Kafka (a real local broker) → normalizer with redaction → embedded ClickHouse, with
 * the detector's stream rules on the stored rows. Every event is new (its id carries the request's
 * sequence number), and a row counts as arrived when the normalizer's insert of it has returned.
 * Beside it, in the same run and on the same events, each part alone.
 */

const BATCH = 100
const CONNECTIONS = 16

interface Plan {
  /** A first burst, not reported, so that JIT, worker threads and the embedded engine are warm. */
  warmup: number
  /** Events of the 1× and 10× bursts; the 10× burst gives the maximum throughput. */
  bursts: [number, number]
  shares: number[]
  rateSeconds: number
  timeoutMs: number
  ceilings: { cpuMs: number; produceMs: number; stageEvents: number; insertEvents: number }
}

const FULL: Plan = {
  warmup: 5_000,
  bursts: [10_000, 100_000],
  shares: [0.25, 0.5, 0.8],
  rateSeconds: 6,
  timeoutMs: 120_000,
  ceilings: { cpuMs: 1_000, produceMs: 2_500, stageEvents: 20_000, insertEvents: 20_000 },
}
const QUICK: Plan = {
  warmup: 2_000,
  bursts: [5_000, 50_000],
  shares: [0.5],
  rateSeconds: 4,
  timeoutMs: 60_000,
  ceilings: { cpuMs: 300, produceMs: 1_000, stageEvents: 5_000, insertEvents: 5_000 },
}

/** As many events as fast as 16 connections send them, until every one of them is stored. */
async function burst(ctx: BenchmarkContext, rig: Rig, load: LoadGenerator, events: number, plan: Plan) {
  const label = `${events / 1000}k`
  const pipeline = await startPipeline(ctx, rig, `burst_${label}`)
  const requests = events / BATCH
  ctx.progress(
    `burst of ${events.toLocaleString('en-US')} events in requests of ${BATCH}, ${CONNECTIONS} connections`,
  )
  const rss = new RssSampler()
  const probe = new ResourceProbe(rig.brokerPid)
  const started = performance.now()
  const result = await load.run(
    {
      url: pipeline.url,
      token: rig.token,
      connections: CONNECTIONS,
      batch: BATCH,
      mode: 'closed',
      warmupMs: 0,
      durationMs: plan.timeoutMs,
      maxRequests: requests,
      sequencePlaceholder: SEQUENCE,
    },
    bodiesForRun(rig, label),
  )
  const acceptedAt = performance.now()
  const complete = await pipeline.tap.waitFor(result.total.acceptedEvents, plan.timeoutMs)
  const seconds = ((complete ? pipeline.tap.lastStoredAt : performance.now()) - started) / 1000
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
    insertSeconds: inserts.sum,
    inserts: inserts.count,
    produceSeconds: produces.sum,
    memory,
    resources,
    footprint,
  } satisfies BurstRun
}

async function dropDatabase(pipeline: Pipeline): Promise<void> {
  await pipeline.store.client.command({ query: `DROP DATABASE IF EXISTS ${pipeline.store.database} SYNC` })
}

/** Fixed offered rates on one pipeline, each drained before the next; latency is per event. */
async function rates(ctx: BenchmarkContext, rig: Rig, load: LoadGenerator, max: number, plan: Plan) {
  const pipeline = await startPipeline(ctx, rig, 'rates')
  const runs: RateRun[] = []
  let expected = 0
  for (const share of plan.shares) {
    const offered = roundRate(max * share)
    ctx.progress(`fixed rate: ${offered.toLocaleString('en-US')} events/s for ${plan.rateSeconds} s`)
    pipeline.tap.reset()
    const rss = new RssSampler()
    const probe = new ResourceProbe(rig.brokerPid)
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
      bodiesForRun(rig, `rate${Math.round(share * 100)}`),
    )
    expected += result.total.acceptedEvents
    const complete = await pipeline.tap.waitFor(expected, plan.timeoutMs)
    runs.push({
      share,
      offered,
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

/** Items per second of `work` over every item, after one warm-up pass. */
function timed<T>(items: readonly T[], work: (item: T) => unknown): number {
  for (const item of items) work(item)
  const started = performance.now()
  for (const item of items) work(item)
  return (items.length / (performance.now() - started)) * 1000
}

/** Each part alone on the same events: the collector's CPU path, kafkajs produce and consume, the normalizer's CPU stages, the insert. */
async function ceilings(ctx: BenchmarkContext, rig: Rig, plan: Plan): Promise<Ceilings> {
  const bodies = bodiesForRun(rig, 'ceiling').map((body, i) => body.replaceAll(SEQUENCE, String(i)))
  ctx.progress('collector CPU path alone')
  let probe = new ResourceProbe(rig.brokerPid)
  const cpu = cpuThroughput(bodies, BATCH, plan.ceilings.cpuMs, PATH_CTX)
  const cpuOtherCores = probe.read().otherCores
  const jsonParseEventsPerSec = timed(bodies, (body) => JSON.parse(body) as unknown) * BATCH

  ctx.progress('kafkajs produce alone')
  const topic = `bench.e2e.ceiling.${rig.suffix}`
  await ensureTopics(rig.kafka, [
    { topic, numPartitions: 6 },
    { topic: `${topic}.receipts`, numPartitions: 1 },
  ])
  const requests = bodies.slice(0, 20).map((body) => collectorPath(body, PATH_CTX))
  probe = new ResourceProbe(rig.brokerPid)
  const produce = await rawProduce(rig.kafka, {
    rawTopic: topic,
    receiptsTopic: `${topic}.receipts`,
    requests,
    concurrency: CONNECTIONS,
    durationMs: plan.ceilings.produceMs,
  })
  const produceResources = probe.read()

  ctx.progress('kafkajs consume alone')
  const consume = await rawConsume(
    createKafka({ brokers: rig.brokers, clientId: 'bench-e2e-consume' }, rig.logger),
    {
      topic,
      expected: produce.eventMessages,
      brokerPid: rig.brokerPid,
      timeoutMs: plan.timeoutMs,
    },
  )

  ctx.progress('normalizer CPU stages alone')
  const messages: RawMessage[] = []
  for (const body of bodies.slice(0, plan.ceilings.stageEvents / BATCH)) {
    for (const message of collectorPath(body, PATH_CTX).events)
      messages.push({ key: String(message.key), value: Buffer.from(String(message.value)) })
  }
  const config = AppConfig.parse({
    pseudonymization: { key: PSEUDONYMIZATION_KEY },
    tenants: [{ id: PATH_CTX.tenantId }],
  })
  probe = new ResourceProbe(rig.brokerPid)
  const { times, rows } = measureStages(messages, pipelineDeps(config, PSEUDONYMIZATION_KEY), 0)
  const stagesOtherCores = probe.read().otherCores
  const jsonStringifyRowsPerSec = timed(rows, (row) => JSON.stringify(row))

  ctx.progress('ClickHouse insert alone')
  const store = { ...rig.store, database: `bench_e2e_insert_${rig.suffix}` }
  await migrate(store, rig.logger)
  const insert = await rawInsert(store, rows.slice(0, plan.ceilings.insertEvents), {
    batchRows: 10_000,
    brokerPid: rig.brokerPid,
  })
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database} SYNC` })
  return {
    cpu,
    cpuOtherCores,
    jsonParseEventsPerSec,
    jsonStringifyRowsPerSec,
    produce,
    produceResources,
    consume,
    stages: times,
    stagesOtherCores,
    insert,
  }
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
  for (const run of rateRuns) {
    const answered = Object.values(run.statuses).reduce((sum, n) => sum + n, 0)
    if ((run.statuses['202'] ?? 0) !== answered)
      problems.push(`rate ${run.offered}/s: not every request got a 202 (${JSON.stringify(run.statuses)})`)
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
  for (const events of plan.bursts) bursts.push(await burst(ctx, rig, load, events, plan))
  const max = bursts[1]!.accepted / bursts[1]!.seconds
  const rateResult = await rates(ctx, rig, load, max, plan)
  const ceilingResult = await ceilings(ctx, rig, plan)

  const kafkajsPackage = path.join(packageRoot(), 'node_modules', 'kafkajs', 'package.json')
  const kafkajsVersion = (JSON.parse(readFileSync(kafkajsPackage, 'utf8')) as { version: string }).version
  return {
    environment: {
      Kafka: `Apache Kafka ${KAFKA_VERSION} (KRaft, one local node, ${BROKER_HEAP_MB} MB heap), kafkajs ${kafkajsVersion}`,
    },
    problems: problemsOf([warmup, ...bursts], rateResult.runs, rateResult.stored, rateResult.expected),
    sections: e2eSections({
      bursts,
      rates: rateResult.runs,
      max,
      ceilings: ceilingResult,
      idleRss,
      warmup: warmup.events,
      meanEventBytes: rig.meanEventBytes,
      batch: BATCH,
      connections: CONNECTIONS,
      rateSeconds: plan.rateSeconds,
    }),
  }
}

export const e2eBenchmark: Benchmark = {
  name: 'e2e',
  summary:
    'the whole pipeline in one process as `mcp-audit start` runs it: POST → row stored, throughput, latency at fixed rates, memory, 1× vs 10× data, each part alone beside it',
  run: runE2eBenchmark,
}
