import { BROKER_HEAP_MB } from './lib/bench-broker.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { packageRoot } from '../services/platform/paths.js'
import { rawConsume, rawInsert, type ConsumeResult, type InsertResult } from './lib/normalizer-ceilings.js'
import type { RawMessage } from './lib/normalizer-events.js'
import {
  benchConfig,
  dropDatabase,
  freshDatabase,
  PSEUDONYMIZATION_KEY,
  runNormalizer,
  setUp,
  type NormalizerRun,
  type Rig,
} from './lib/normalizer-rig.js'
import { measureStages, pipelineDeps, type StageTimes } from './lib/normalizer-stages.js'
import { normalizerSections, type Ceilings } from './lib/normalizer-tables.js'
import { ResourceProbe } from './lib/probes.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'

/**
 * The normalizer end to end: messages as the collector writes them, pre-produced to a local
 * broker, consumed by the real normalizer in this process (parse, normalize, redact, batch insert
 * into embedded ClickHouse, commit), once per worker setting. Beside it, in the same run and on the
 * same data, the ceilings it sits on: kafkajs consuming alone, ClickHouse inserting alone, the CPU
 * stages alone.
 */

interface Plan {
  events: number
  /** Normalizer runs, each on a topic of its own: worker threads, and first write wins + seals on or off. */
  runs: Array<{ workers: number; integrity: boolean }>
  /** Events timed through processEventMessage whole, as a cross-check of the stage sum. */
  wholeSample: number
  /** Insert ceiling batch: the writer's default batchMaxRows. */
  insertBatch: number
  timeoutMs: number
}

const FULL: Plan = {
  events: 80_000,
  // The default of one worker thread, and two (in-thread parsing, workers: 0, was the slowest in every
  // earlier run); each with the trail's integrity (first write wins, seals) on and off.
  runs: [
    { workers: 1, integrity: true },
    { workers: 1, integrity: false },
    { workers: 2, integrity: true },
    { workers: 2, integrity: false },
  ],
  wholeSample: 20_000,
  insertBatch: 10_000,
  timeoutMs: 150_000,
}
const QUICK: Plan = {
  events: 20_000,
  runs: [
    { workers: 0, integrity: true },
    { workers: 1, integrity: true },
    { workers: 1, integrity: false },
  ],
  wholeSample: 5_000,
  insertBatch: 10_000,
  timeoutMs: 60_000,
}

async function cpuAndInsertCeilings(
  ctx: BenchmarkContext,
  rig: Rig,
  messages: RawMessage[],
  plan: Plan,
): Promise<{ stages: StageTimes; stagesOtherCores: number; insert: InsertResult }> {
  ctx.progress('CPU stages alone on this thread: parse, normalize, redact')
  const config = benchConfig(rig, { workers: 0, topic: rig.topics[0]!, database: rig.store.database })
  const probe = new ResourceProbe(rig.brokerPid)
  const { times, rows } = measureStages(
    messages,
    pipelineDeps(config, PSEUDONYMIZATION_KEY),
    plan.wholeSample,
  )
  const stagesOtherCores = probe.read().otherCores

  ctx.progress(
    `ClickHouse insert alone: ${rows.length.toLocaleString('en-US')} rows, ${plan.insertBatch} per insert`,
  )
  const store = await freshDatabase(rig, `bench_insert_${rig.suffix}`)
  const insert = await rawInsert(store, rows, { batchRows: plan.insertBatch, brokerPid: rig.brokerPid })
  await dropDatabase(store)
  return { stages: times, stagesOtherCores, insert }
}

function problemsOf(runs: readonly NormalizerRun[], ceilings: Ceilings, expected: number): string[] {
  const problems: string[] = []
  for (const run of runs) {
    const where = `normalizer, workers: ${run.workers}, integrity ${run.integrity ? 'on' : 'off'}`
    if (!run.caughtUp) problems.push(`${where}: committed offsets did not reach the end of the topic in time`)
    if (run.stored !== expected)
      problems.push(`${where}: ${run.stored} rows stored (FINAL), expected ${expected}`)
    if (run.deadLettered > 0) problems.push(`${where}: ${run.deadLettered} messages dead-lettered`)
  }
  if (ceilings.insert.stored !== expected) {
    problems.push(`insert alone: ${ceilings.insert.stored} rows stored (FINAL), expected ${expected}`)
  }
  if (ceilings.consume.messages !== expected) {
    problems.push(`kafkajs alone: read ${ceilings.consume.messages} messages, expected ${expected}`)
  }
  return problems
}

async function runNormalizerBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const plan = ctx.quick ? QUICK : FULL
  const setup = await setUp(ctx, plan.events, plan.runs.length)
  const { rig } = setup
  const meanMessageBytes =
    setup.messages.reduce((sum, message) => sum + message.value.length, 0) / setup.messages.length
  const { stages, stagesOtherCores, insert } = await cpuAndInsertCeilings(ctx, rig, setup.messages, plan)
  // The messages (and the rows, gone with that call) are not needed any more: keep them out of the
  // heap the normalizer runs collect.
  setup.messages = []

  ctx.progress('kafkajs consume alone')
  const consume: ConsumeResult = await rawConsume(rig.kafka, {
    topic: rig.topics[0]!,
    expected: plan.events,
    brokerPid: rig.brokerPid,
    timeoutMs: plan.timeoutMs,
  })

  const runs: NormalizerRun[] = []
  for (const [index, { workers, integrity }] of plan.runs.entries()) {
    ctx.progress(
      `normalizer, workers: ${workers}, integrity ${integrity ? 'on' : 'off'}: ${plan.events.toLocaleString('en-US')} events`,
    )
    runs.push(
      await runNormalizer(ctx, rig, {
        workers,
        integrity,
        topic: rig.topics[index]!,
        timeoutMs: plan.timeoutMs,
      }),
    )
  }

  const ceilings: Ceilings = { stages, stagesOtherCores, insert, consume }
  const kafkajsPackage = path.join(packageRoot(), 'node_modules', 'kafkajs', 'package.json')
  const kafkajsVersion = (JSON.parse(readFileSync(kafkajsPackage, 'utf8')) as { version: string }).version
  return {
    environment: {
      Kafka: `Apache Kafka ${KAFKA_VERSION} (KRaft, one local node, ${BROKER_HEAP_MB} MB heap), kafkajs ${kafkajsVersion}`,
    },
    problems: problemsOf(runs, ceilings, plan.events),
    sections: normalizerSections({
      runs,
      ceilings,
      meanMessageBytes,
      setup: { ...rig.setupSeconds, topics: rig.topics.length },
    }),
  }
}

export const normalizerBenchmark: Benchmark = {
  name: 'normalizer',
  summary:
    'Kafka → normalizer (redaction on) → embedded ClickHouse until committed, per worker setting, beside the Kafka, insert and CPU ceilings',
  run: runNormalizerBenchmark,
}
