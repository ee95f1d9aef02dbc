import type { AuditRow } from '../../schemas/audit-row.js'
import { AppConfig } from '../../schemas/config.js'
import { startDetector } from '../../services/detector/service.js'
import { processEventMessage } from '../../services/normalizer/pipeline.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'
import { migrate } from '../../services/platform/migrations.js'
import { collectorPath, cpuThroughput, type CpuThroughput } from './collector-path.js'
import { CpuMeter, type CpuSpent } from './e2e-cpu.js'
import {
  bodiesForRun,
  pipelineConfig,
  PATH_CTX,
  PSEUDONYMIZATION_KEY,
  SEQUENCE,
  type Rig,
} from './e2e-rig.js'
import { rawProduce, type RawProduceResult } from './kafka-ceiling.js'
import type { LoadGenerator } from './load.js'
import { rawConsume, rawInsert, type ConsumeResult, type InsertResult } from './normalizer-ceilings.js'
import type { RawMessage } from './normalizer-events.js'
import { measureStages, pipelineDeps, type StageTimes } from './normalizer-stages.js'
import { startNullCollector } from './null-collector.js'
import { ResourceProbe, type ResourceUse } from './probes.js'
import type { BenchmarkContext } from './report.js'

/**
 * Each part of the pipeline alone on the same events (and the rows the normalizer makes of them),
 * after the pipeline runs: its rate, and the CPU it spends per event (this process's threads and
 * the broker's, apart), which is what the cost table adds up.
 */

export interface CeilingPlan {
  cpuMs: number
  collectorEvents: number
  produceMs: number
  stageEvents: number
  insertEvents: number
}

/** CPU one part spent on `events`; `excludedSeconds` is CPU in the process that was not the part's (the load generator's thread). */
export interface StageCost {
  events: number
  cpu: CpuSpent
  excludedSeconds: number
}

export interface Ceilings {
  cpu: CpuThroughput
  cpuOtherCores: number
  jsonParseEventsPerSec: number
  jsonStringifyRowsPerSec: number
  collectorHttp: { eventsPerSec: number; cost: StageCost }
  produce: RawProduceResult
  produceResources: ResourceUse
  produceCost: StageCost
  consume: ConsumeResult
  consumeCost: StageCost
  stages: StageTimes
  stagesOtherCores: number
  normalizeCost: StageCost
  insert: InsertResult
  insertCost: StageCost
  detectorEventsPerSec: number
  detectorCost: StageCost
}

/** Items per second of `work` over every item, after one warm-up pass. */
function timed<T>(items: readonly T[], work: (item: T) => unknown): number {
  for (const item of items) work(item)
  const started = performance.now()
  for (const item of items) work(item)
  return (items.length / (performance.now() - started)) * 1000
}

async function metered<T>(rig: Rig, events: (result: T) => number, work: () => Promise<T>) {
  const meter = new CpuMeter(rig.brokerPid)
  const result = await work()
  const cpu = meter.read()
  return { result, cost: { events: events(result), cpu, excludedSeconds: 0 } satisfies StageCost }
}

/** The collector's HTTP app with a publisher that answers at once, under the burst's load: HTTP + parse + validate. */
async function collectorAlone(
  ctx: BenchmarkContext,
  rig: Rig,
  load: LoadGenerator,
  options: { events: number; connections: number },
) {
  ctx.progress('collector HTTP alone (no Kafka)')
  const collector = await startNullCollector(pipelineConfig(rig, 'null'), rig.logger)
  try {
    const meter = new CpuMeter(rig.brokerPid)
    const result = await load.run(
      {
        url: collector.url,
        token: rig.token,
        connections: options.connections,
        batch: rig.batch,
        mode: 'closed',
        warmupMs: 0,
        durationMs: 120_000,
        maxRequests: options.events / rig.batch,
        sequencePlaceholder: SEQUENCE,
      },
      bodiesForRun(rig, 'null'),
    )
    const cpu = meter.read()
    return {
      eventsPerSec: result.total.acceptedEvents / cpu.wallSeconds,
      cost: { events: result.total.acceptedEvents, cpu, excludedSeconds: result.cpuSeconds },
    }
  } finally {
    await collector.stop()
  }
}

/** The detector's stream rules and alert store on the rows, in the writer's chunks, on a database of their own. */
async function detectorAlone(ctx: BenchmarkContext, rig: Rig, rows: readonly AuditRow[]) {
  ctx.progress('detector stream rules alone')
  const config = pipelineConfig(rig, 'detector')
  const store = { ...rig.store, database: config.clickhouse.database }
  await migrate(store, rig.logger)
  const lifecycle = new Lifecycle(rig.logger)
  const detector = startDetector({
    config,
    store,
    logger: rig.logger,
    registry: createMetricsRegistry(),
    lifecycle,
    scheduleWindows: false,
  })
  try {
    return await metered(
      rig,
      () => rows.length,
      async () => {
        for (let start = 0; start < rows.length; start += 10_000)
          await detector.inspectRows(rows.slice(start, start + 10_000))
      },
    )
  } finally {
    await lifecycle.stop('benchmark part finished')
    await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database} SYNC` })
  }
}

export async function measureCeilings(
  ctx: BenchmarkContext,
  rig: Rig,
  load: LoadGenerator,
  plan: CeilingPlan & { timeoutMs: number; connections: number },
): Promise<Ceilings> {
  const batch = rig.batch
  const bodies = bodiesForRun(rig, 'ceiling').map((body, i) => body.replaceAll(SEQUENCE, String(i)))
  ctx.progress('collector CPU path alone')
  let probe = new ResourceProbe(rig.brokerPid)
  const cpu = cpuThroughput(bodies, batch, plan.cpuMs, PATH_CTX)
  const cpuOtherCores = probe.read().otherCores
  const jsonParseEventsPerSec = timed(bodies, (body) => JSON.parse(body) as unknown) * batch
  const collectorHttp = await collectorAlone(ctx, rig, load, {
    events: plan.collectorEvents,
    connections: plan.connections,
  })

  ctx.progress('kafkajs produce alone')
  const topic = `bench.e2e.ceiling.${rig.suffix}`
  await ensureTopics(rig.kafka, [
    { topic, numPartitions: 6 },
    { topic: `${topic}.receipts`, numPartitions: 1 },
  ])
  const requests = bodies.slice(0, 20).map((body) => collectorPath(body, PATH_CTX))
  probe = new ResourceProbe(rig.brokerPid)
  const produced = await metered(
    rig,
    (result) => result.eventMessages,
    () =>
      rawProduce(rig.kafka, {
        rawTopic: topic,
        receiptsTopic: `${topic}.receipts`,
        requests,
        concurrency: plan.connections,
        durationMs: plan.produceMs,
      }),
  )
  const produceResources = probe.read()

  ctx.progress('kafkajs consume alone')
  const consumed = await metered(
    rig,
    (result) => result.messages,
    () =>
      rawConsume(createKafka({ brokers: rig.brokers, clientId: 'bench-e2e-consume' }, rig.logger), {
        topic,
        expected: produced.result.eventMessages,
        brokerPid: rig.brokerPid,
        timeoutMs: plan.timeoutMs,
      }),
  )

  ctx.progress('normalizer CPU stages alone')
  const messages: RawMessage[] = []
  for (const body of bodies.slice(0, plan.stageEvents / batch)) {
    for (const message of collectorPath(body, PATH_CTX).events)
      messages.push({ key: String(message.key), value: Buffer.from(String(message.value)) })
  }
  const config = AppConfig.parse({
    pseudonymization: { key: PSEUDONYMIZATION_KEY },
    tenants: [{ id: PATH_CTX.tenantId }],
  })
  const deps = pipelineDeps(config, PSEUDONYMIZATION_KEY)
  probe = new ResourceProbe(rig.brokerPid)
  const { times, rows } = measureStages(messages, deps, 0)
  const stagesOtherCores = probe.read().otherCores
  // processEventMessage whole, as a worker thread runs it; measureStages warmed it up.
  const normalized = await metered(
    rig,
    () => messages.length,
    () => {
      messages.forEach((message, index) => {
        processEventMessage({ value: message.value, offset: String(index) }, 0, deps)
      })
      return Promise.resolve()
    },
  )
  const jsonStringifyRowsPerSec = timed(rows, (row) => JSON.stringify(row))

  ctx.progress('ClickHouse insert alone')
  const store = { ...rig.store, database: `bench_e2e_insert_${rig.suffix}` }
  await migrate(store, rig.logger)
  const inserted = await metered(
    rig,
    (result) => result.rows,
    () => rawInsert(store, rows.slice(0, plan.insertEvents), { batchRows: 10_000, brokerPid: rig.brokerPid }),
  )
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database} SYNC` })

  const detector = await detectorAlone(ctx, rig, rows.slice(0, plan.insertEvents))
  return {
    cpu,
    cpuOtherCores,
    jsonParseEventsPerSec,
    jsonStringifyRowsPerSec,
    collectorHttp,
    produce: produced.result,
    produceResources,
    produceCost: produced.cost,
    consume: consumed.result,
    consumeCost: consumed.cost,
    stages: times,
    stagesOtherCores,
    normalizeCost: normalized.cost,
    insert: inserted.result,
    insertCost: inserted.cost,
    detectorEventsPerSec: detector.cost.events / detector.cost.cpu.wallSeconds,
    detectorCost: detector.cost,
  }
}
