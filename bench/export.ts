import { AppConfig } from '../schemas/config.js'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { migrate } from '../services/platform/migrations.js'
import { ensureTopics } from '../services/platform/kafka/topics.js'
import { createMetricsRegistry } from '../services/platform/metrics.js'
import { bodiesForRun, SEQUENCE, setUp, startPipeline, type Rig } from './lib/e2e-rig.js'
import { drainToSink, readAll, recordsTaken, type Drain } from './lib/export-rig.js'
import { startBenchHecReceiver, type BenchHecReceiver } from './lib/hec-receiver.js'
import { LoadGenerator } from './lib/load.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'
import { endOffsets, fillStoredRows } from './lib/stored-rows.js'

/**
 * Issue 18: events/s exported from a store of a million events to each sink that runs here (Splunk
 * HEC to a minimal HEC endpoint in this process, Kafka to the local broker), beside the same run's
 * ceiling (the exporter's read path alone); then the exporter beside the whole pipeline under an
 * end-to-end burst, to see whether it keeps up. One process, one local broker, one embedded store
 * (the engine serves one store directory per process), the exporter's default batching.
 */

const PARTITIONS = 3
const BATCH = 100
const CONNECTIONS = 16
const HEC_TOKEN = 'bench-hec-token-0123456789abcdef'
const DEFAULTS = AppConfig.parse({}).export

/**
 * `exported`: the first rows of the store each path reads or sends. Under the shared machine's load
 * a sink passes about a thousand rows a second, so the whole million would take each one longer
 * than the run can wait; the reads still run against the full store's table.
 */
const FULL = { rows: 1_000_000, exported: 100_000, burst: 20_000, timeoutMs: 600_000 }
const QUICK = { rows: 100_000, exported: 20_000, burst: 5_000, timeoutMs: 300_000 }

const rate = (drain: Drain) => Math.round(drain.rows / drain.seconds)
const fmt = (value: number) => value.toLocaleString('en-US')

function hecSink(name: string, receiver: BenchHecReceiver) {
  return {
    name,
    type: 'splunk-hec',
    url: receiver.url,
    token: HEC_TOKEN,
    index: 'mcp',
    startFrom: 'earliest',
  }
}

async function fromStore(ctx: BenchmarkContext, rig: Rig, plan: typeof FULL) {
  const { rows, exported, timeoutMs } = plan
  const store = { ...rig.store, database: `bench_export_${rig.suffix}` }
  await migrate(store, rig.logger)
  const fillStarted = performance.now()
  await fillStoredRows(
    store,
    { rows, tenant: 'bench', partitions: PARTITIONS, fromMs: Date.UTC(2026, 10, 1), spanMs: 86_400_000 },
    (message) => ctx.progress(`export: ${message}`),
  )
  const fillSeconds = (performance.now() - fillStarted) / 1000
  const ends = endOffsets(exported, PARTITIONS)
  ctx.progress('export: reading every row through the read path (the ceiling)')
  const ceiling = await readAll(store, ends, DEFAULTS.batchMaxRows, false)
  ctx.progress('export: reading and mapping every row to its export record')
  const mapped = await readAll(store, ends, DEFAULTS.batchMaxRows, true)

  const registry = createMetricsRegistry()
  const receiver = await startBenchHecReceiver(HEC_TOKEN)
  ctx.defer('stop the HEC endpoint', () => receiver.close())
  const common = {
    store,
    ends,
    brokers: rig.brokers,
    export: DEFAULTS,
    registry,
    logger: rig.logger,
    timeoutMs,
  }
  ctx.progress('export: splunk-hec sink')
  const hec = await drainToSink({ ...common, sink: hecSink('hec', receiver) })
  const topic = `bench.export.${rig.suffix}`
  await ensureTopics(rig.kafka, [{ topic, numPartitions: PARTITIONS }])
  ctx.progress('export: kafka sink')
  const kafka = await drainToSink({ ...common, sink: { name: 'kafka', type: 'kafka', topic } })

  const problems: string[] = []
  for (const [name, drain] of [
    ['read path', ceiling],
    ['read + records', mapped],
    ['splunk-hec', hec],
    ['kafka', kafka],
  ] as const) {
    if (drain.rows !== exported || !drain.complete)
      problems.push(`export ${name}: ${drain.rows} rows of ${exported}${drain.complete ? '' : ', timed out'}`)
  }
  if (receiver.events !== hec.rows)
    problems.push(`export: the HEC endpoint counted ${receiver.events} events, the sink sent ${hec.rows}`)
  const share = (drain: Drain) => `${((rate(drain) / rate(ceiling)) * 100).toFixed(0)} %`
  return {
    problems,
    fillSeconds,
    table: [
      [
        'read path alone (read.ts readWindows, the ceiling)',
        fmt(ceiling.rows),
        ceiling.seconds.toFixed(1),
        fmt(rate(ceiling)),
        '100 %',
      ],
      [
        'read + export record mapping, no send',
        fmt(mapped.rows),
        mapped.seconds.toFixed(1),
        fmt(rate(mapped)),
        share(mapped),
      ],
      [
        `splunk-hec → HEC endpoint on loopback (gzip, ${fmt(receiver.requests)} requests)`,
        fmt(hec.rows),
        hec.seconds.toFixed(1),
        fmt(rate(hec)),
        share(hec),
      ],
      [
        `kafka → local broker topic (${PARTITIONS} partitions)`,
        fmt(kafka.rows),
        kafka.seconds.toFixed(1),
        fmt(rate(kafka)),
        share(kafka),
      ],
    ],
  }
}

/**
 * The pipeline as `start` runs it, with the exporter sending to both sinks, under a burst of
 * `events`: when the last row is stored, and when each sink has taken the last one.
 */
async function besidePipeline(ctx: BenchmarkContext, rig: Rig, events: number, timeoutMs: number) {
  const receiver = await startBenchHecReceiver(HEC_TOKEN)
  ctx.defer('stop the HEC endpoint of the burst', () => receiver.close())
  const topic = `bench.export.burst.${rig.suffix}`
  await ensureTopics(rig.kafka, [{ topic, numPartitions: PARTITIONS }])
  const sinks = [hecSink('hec', receiver), { name: 'kafka', type: 'kafka', topic, startFrom: 'earliest' }]
  const pipeline = await startPipeline(ctx, rig, 'export', sinks)
  const load = new LoadGenerator()
  ctx.defer('stop the load generator', () => load.stop())
  let maxLag = 0
  const sampler = setInterval(() => {
    for (const status of pipeline.exporter!.status()) maxLag = Math.max(maxLag, status.lag ?? 0)
  }, 100)
  ctx.progress(`export: burst of ${fmt(events)} events through the pipeline with the exporter running`)
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
      maxRequests: events / BATCH,
      sequencePlaceholder: SEQUENCE,
    },
    bodiesForRun(rig, 'export'),
  )
  const accepted = result.total.acceptedEvents
  const stored = await pipeline.tap.waitFor(accepted, timeoutMs)
  const storedSeconds = (pipeline.tap.lastStoredAt - started) / 1000
  const taken: Record<string, number> = {}
  while (Object.keys(taken).length < 2 && performance.now() - started < timeoutMs) {
    for (const sink of ['hec', 'kafka']) {
      if (taken[sink] === undefined && (await recordsTaken(pipeline.registry, sink)) >= accepted)
        taken[sink] = (performance.now() - started) / 1000
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  clearInterval(sampler)
  const counts = {
    hec: await recordsTaken(pipeline.registry, 'hec'),
    kafka: await recordsTaken(pipeline.registry, 'kafka'),
  }
  await pipeline.stop()
  const problems: string[] = []
  if (!stored) problems.push(`export burst: ${pipeline.tap.stored} of ${accepted} events stored in time`)
  for (const sink of ['hec', 'kafka'] as const) {
    if (counts[sink] < accepted)
      problems.push(`export burst: sink ${sink} took ${counts[sink]} of ${accepted}`)
  }
  const pipelineRate = Math.round(accepted / storedSeconds)
  return {
    problems,
    pipelineRate,
    table: (['hec', 'kafka'] as const).map((sink) => [
      sink === 'hec' ? 'splunk-hec' : 'kafka',
      fmt(accepted),
      storedSeconds.toFixed(1),
      fmt(pipelineRate),
      taken[sink]?.toFixed(1) ?? 'timed out',
      taken[sink] ? fmt(Math.round(counts[sink] / taken[sink])) : '–',
      taken[sink] ? (taken[sink] - storedSeconds).toFixed(1) : '–',
      fmt(maxLag),
    ]),
  }
}

async function runExportBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const plan = ctx.quick ? QUICK : FULL
  const rig = await setUp(ctx, BATCH)
  const stored = await fromStore(ctx, rig, plan)
  const burst = await besidePipeline(ctx, rig, plan.burst, plan.timeoutMs)
  const batching = `batches of ${fmt(DEFAULTS.batchMaxRows)} rows, batchMaxWaitMs ${DEFAULTS.batchMaxWaitMs}, pollMs ${DEFAULTS.pollMs} (the defaults)`
  return {
    environment: { Kafka: KAFKA_VERSION },
    sections: [
      {
        title: `Export from a store of ${fmt(plan.rows)} events (embedded ClickHouse)`,
        description: `Rows made in SQL over ${PARTITIONS} partitions' offsets (${stored.fillSeconds.toFixed(1)} s to store); then each path, one after another, over the first ${fmt(plan.exported)} of them (the reads run against the whole table); sinks run their own loop (sink-runner.ts: read, map, send, checkpoint) with ${batching}.`,
        table: {
          headers: ['path', 'rows', 'seconds', 'events/s', 'of the ceiling'],
          rows: stored.table,
          numeric: [1, 2, 3, 4],
        },
        notes: [
          "The HEC endpoint is a minimal HTTP server in this process (bench/lib/hec-receiver.ts: token check, gunzip, count); the test suite's full HEC receiver is test code the benchmark does not build.",
          'The machine is shared: 2 cores for seven engineers working at the same time, so these figures are a lower bound and vary from run to run.',
        ],
      },
      {
        title: 'The exporter beside the pipeline under an end-to-end burst',
        description: `The pipeline as start runs it (collector, normalizer with redaction, detector, embedded store) with the exporter sending to both sinks at once, ${fmt(plan.burst)} events in requests of ${BATCH} over ${CONNECTIONS} connections. Times from the first request.`,
        table: {
          headers: [
            'sink',
            'events',
            'all stored s',
            'pipeline events/s',
            'all exported s',
            'exported events/s',
            'behind the last stored row s',
            'max lag seen',
          ],
          rows: burst.table,
          numeric: [1, 2, 3, 4, 5, 6, 7],
        },
        notes: [
          "The exporter keeps up when it finishes shortly after the last row is stored: it reads only below the normalizer's committed offsets, and a batch that is not full waits batchMaxWaitMs, so about a second behind is its floor.",
        ],
      },
    ],
    problems: [...stored.problems, ...burst.problems],
  }
}

export const exportBenchmark: Benchmark = {
  name: 'export',
  summary:
    'issue 18: events/s exported from a store of 1 M events to each sink beside the read-path ceiling, and the exporter beside the pipeline under an e2e burst',
  run: runExportBenchmark,
}
