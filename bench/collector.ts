import { BROKER_HEAP_MB } from './lib/bench-broker.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { packageRoot } from '../services/platform/paths.js'
import { collectorPath, cpuThroughput, type CpuThroughput } from './lib/collector-path.js'
import { BATCHES, bodiesFor, counts, PATH_CTX, setUp, type Rig } from './lib/collector-rig.js'
import {
  CONNECTIONS,
  ceilingTables,
  closedLoopTable,
  openLoopTable,
  type Check,
  type HttpRun,
  type RawKafkaRun,
} from './lib/collector-tables.js'
import { rawProduce } from './lib/kafka-ceiling.js'
import type { LoadSpec } from './lib/load.js'
import { histogramTotals, ResourceProbe } from './lib/probes.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'
import { roundRate, summarize } from './lib/stats.js'

/**
 * The collector under load, end to end: a real Kafka broker, the real collector in this process,
 * HTTP load from a worker thread. Beside it, in the same run, the ceilings it sits on: the CPU
 * path alone, the HTTP app without Kafka, kafkajs alone.
 */

const OPEN_LOOP_BATCH = 100

interface Window {
  warmupMs: number
  durationMs: number
}

interface Plan {
  closed: Window
  sweep: Window & { batch: number; connections: number[] }
  /** Offered rates as shares of the closed-loop maximum at OPEN_LOOP_BATCH events per request. */
  open: { shares: number[]; durationMs: number }
  nullHttp: Window
  rawKafka: { concurrency: number[]; durationMs: number }
  cpuMs: number
}

const FULL: Plan = {
  closed: { warmupMs: 1_000, durationMs: 5_000 },
  sweep: { batch: 100, connections: [1, 64], warmupMs: 1_000, durationMs: 5_000 },
  open: { shares: [0.1, 0.5, 0.8], durationMs: 5_000 },
  nullHttp: { warmupMs: 1_000, durationMs: 4_000 },
  rawKafka: { concurrency: [1, CONNECTIONS], durationMs: 2_500 },
  cpuMs: 1_000,
}

const QUICK: Plan = {
  closed: { warmupMs: 500, durationMs: 1_500 },
  sweep: { batch: 100, connections: [1, 64], warmupMs: 300, durationMs: 1_000 },
  open: { shares: [0.1, 0.5], durationMs: 2_000 },
  nullHttp: { warmupMs: 300, durationMs: 1_000 },
  rawKafka: { concurrency: [1], durationMs: 1_000 },
  cpuMs: 300,
}

function check(acknowledged: number, inKafka: number): Check {
  return acknowledged === inKafka
    ? { ok: true, text: `ok (${inKafka.toLocaleString('en-US')})` }
    : { ok: false, text: `MISMATCH: acknowledged ${acknowledged}, in Kafka ${inKafka}` }
}

function both(events: Check, receipts: Check): Check {
  return events.ok && receipts.ok ? events : { ok: false, text: `${events.text}; receipts ${receipts.text}` }
}

/** One load run; against the real collector, compares what Kafka holds with what was acknowledged. */
async function httpRun(rig: Rig, spec: LoadSpec): Promise<HttpRun> {
  const verify = spec.url === rig.collectorUrl
  const { raw, receipts } = rig.topics
  const before = verify ? await counts(rig, raw, receipts) : [0, 0]
  const batchMetric = 'mcp_audit_collector_kafka_batch_messages'
  const producedBefore = await histogramTotals(rig.registry, batchMetric)
  const probe = new ResourceProbe(rig.brokerPid)
  const result = await rig.load.run(spec, bodiesFor(rig, spec.batch))
  const resources = probe.read()
  const producedAfter = await histogramTotals(rig.registry, batchMetric)
  const after = verify ? await counts(rig, raw, receipts) : [0, 0]
  const produces = producedAfter.count - producedBefore.count
  return {
    spec,
    eventsPerSec: (result.acceptedEvents / result.windowMs) * 1000,
    requestsPerSec: (result.requests / result.windowMs) * 1000,
    latency: summarize(result.latenciesMs),
    result,
    resources,
    messagesPerProduce: produces > 0 ? (producedAfter.sum - producedBefore.sum) / produces : Number.NaN,
    ...(verify
      ? {
          check: both(
            check(result.total.acceptedEvents, after[0]! - before[0]!),
            check(result.total.accepted202, after[1]! - before[1]!),
          ),
        }
      : {}),
  }
}

async function rawKafkaRun(rig: Rig, batch: number, concurrency: number, durationMs: number) {
  const requests = bodiesFor(rig, batch)
    .slice(0, Math.max(8, Math.ceil(2_000 / batch)))
    .map((body) => collectorPath(body, PATH_CTX))
  const { ceilingRaw, ceilingReceipts } = rig.topics
  const before = await counts(rig, ceilingRaw, ceilingReceipts)
  const probe = new ResourceProbe(rig.brokerPid)
  const run = await rawProduce(rig.kafka, {
    rawTopic: ceilingRaw,
    receiptsTopic: ceilingReceipts,
    requests,
    concurrency,
    durationMs,
  })
  const resources = probe.read()
  const after = await counts(rig, ceilingRaw, ceilingReceipts)
  return {
    batch,
    concurrency,
    eventsPerSec: (run.eventMessages / run.windowMs) * 1000,
    sendsPerSec: (run.sends / run.windowMs) * 1000,
    latency: summarize(run.latenciesMs),
    resources,
    check: both(check(run.eventMessages, after[0] - before[0]), check(run.sends, after[1] - before[1])),
  } satisfies RawKafkaRun
}

function problemsOf(runs: readonly HttpRun[], rawKafka: readonly RawKafkaRun[]): string[] {
  const problems: string[] = []
  for (const run of runs) {
    const where = `${run.spec.mode} loop, ${run.spec.batch} events/request, ${run.spec.connections} connections`
    if (run.check && !run.check.ok) problems.push(`${where}: ${run.check.text}`)
    const answered = Object.values(run.result.total.statuses).reduce((sum, n) => sum + n, 0)
    if (run.result.total.accepted202 !== answered) {
      problems.push(`${where}: not every request got a 202 (${JSON.stringify(run.result.total.statuses)})`)
    }
  }
  for (const run of rawKafka) {
    if (!run.check.ok) problems.push(`kafkajs alone, ${run.batch} events/send: ${run.check.text}`)
  }
  return problems
}

async function runCollectorBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const plan = ctx.quick ? QUICK : FULL
  const rig = await setUp(ctx)
  const closedSpec = (url: string, batch: number, connections: number, window: Window): LoadSpec => ({
    url,
    token: rig.token,
    connections,
    batch,
    mode: 'closed',
    warmupMs: window.warmupMs,
    durationMs: window.durationMs,
  })

  const cpu = new Map<number, CpuThroughput>()
  const cpuOtherCores = new Map<number, number>()
  for (const batch of BATCHES) {
    ctx.progress(`CPU path alone: ${batch} events/request`)
    const probe = new ResourceProbe(rig.brokerPid)
    cpu.set(batch, cpuThroughput(bodiesFor(rig, batch), batch, plan.cpuMs, PATH_CTX))
    cpuOtherCores.set(batch, probe.read().otherCores)
  }
  const rawKafka: RawKafkaRun[] = []
  for (const batch of BATCHES) {
    for (const concurrency of plan.rawKafka.concurrency) {
      ctx.progress(`kafkajs alone: ${batch} events/send, ${concurrency} in flight`)
      rawKafka.push(await rawKafkaRun(rig, batch, concurrency, plan.rawKafka.durationMs))
    }
  }
  const nullHttp = new Map<number, HttpRun>()
  for (const batch of BATCHES) {
    ctx.progress(`HTTP app without Kafka: ${batch} events/request`)
    nullHttp.set(
      batch,
      await httpRun(rig, closedSpec(rig.nullCollectorUrl, batch, CONNECTIONS, plan.nullHttp)),
    )
  }

  const closed: HttpRun[] = []
  for (const batch of BATCHES) {
    ctx.progress(`collector, closed loop: ${batch} events/request, ${CONNECTIONS} connections`)
    closed.push(await httpRun(rig, closedSpec(rig.collectorUrl, batch, CONNECTIONS, plan.closed)))
  }
  for (const connections of plan.sweep.connections) {
    ctx.progress(`collector, closed loop: ${plan.sweep.batch} events/request, ${connections} connections`)
    closed.push(await httpRun(rig, closedSpec(rig.collectorUrl, plan.sweep.batch, connections, plan.sweep)))
  }

  const closedMax = closed.find(
    (run) => run.spec.batch === OPEN_LOOP_BATCH && run.spec.connections === CONNECTIONS,
  )!.eventsPerSec
  const open: HttpRun[] = []
  for (const share of plan.open.shares) {
    const eventsPerSecond = roundRate(closedMax * share)
    ctx.progress(`collector, open loop: ${eventsPerSecond} events/s in requests of ${OPEN_LOOP_BATCH}`)
    open.push(
      await httpRun(rig, {
        url: rig.collectorUrl,
        token: rig.token,
        connections: CONNECTIONS,
        batch: OPEN_LOOP_BATCH,
        mode: 'open',
        eventsPerSecond,
        warmupMs: 0,
        durationMs: plan.open.durationMs,
      }),
    )
  }

  const events = bodiesFor(rig, 1)
  const meanEventBytes = events.reduce((sum, event) => sum + Buffer.byteLength(event), 0) / events.length
  const kafkajsPackage = path.join(packageRoot(), 'node_modules', 'kafkajs', 'package.json')
  const kafkajsVersion = (JSON.parse(readFileSync(kafkajsPackage, 'utf8')) as { version: string }).version
  return {
    environment: {
      Kafka: `Apache Kafka ${KAFKA_VERSION} (KRaft, one local node, ${BROKER_HEAP_MB} MB heap), kafkajs ${kafkajsVersion}`,
    },
    problems: problemsOf([...nullHttp.values(), ...closed, ...open], rawKafka),
    sections: [
      closedLoopTable(closed, meanEventBytes),
      openLoopTable(open, closedMax),
      ...ceilingTables({ cpu, cpuOtherCores, nullHttp, rawKafka, closed }),
    ],
  }
}

export const collectorBenchmark: Benchmark = {
  name: 'collector',
  summary:
    'HTTP collector → Kafka: closed- and open-loop load, and the CPU, HTTP and Kafka ceilings beside it',
  run: runCollectorBenchmark,
}
