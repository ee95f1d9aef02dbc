import type { ConsumeResult, InsertResult } from './normalizer-ceilings.js'
import type { NormalizerRun } from './normalizer-rig.js'
import type { RunUse } from './normalizer-probes.js'
import type { StageTimes } from './normalizer-stages.js'
import type { ReportSection } from './report.js'
import { formatCount, formatMs, formatPercent } from './stats.js'

/** The results of the normalizer benchmark, and how they are laid out in BENCHMARKS.md. */

export interface Ceilings {
  stages: StageTimes
  /** CPU cores other processes used while the stages were timed. */
  stagesOtherCores: number
  insert: InsertResult
  consume: ConsumeResult
}

const cores = (value: number) => `${value.toFixed(2)} cores`
const seconds = (value: number) => `${value.toFixed(1)} s`
const micros = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} µs` : '–')

function hostCpu(resources: RunUse): string {
  const steal = resources.hostSteal >= 0.01 ? ` (+${formatPercent(resources.hostSteal)} steal)` : ''
  return `${formatPercent(resources.hostBusy)}${steal}`
}

/** Main-thread CPU per item, in microseconds. */
const mainMicros = (resources: RunUse, windowSeconds: number, items: number) =>
  (resources.mainThreadCores * windowSeconds * 1e6) / items

function check(stored: number, expected: number): string {
  return stored === expected
    ? `ok (${stored.toLocaleString('en-US')})`
    : `MISMATCH: ${stored.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')}`
}

const eventsPerSecond = (run: NormalizerRun) => run.events / run.totalSeconds
/** Throughput between inserts: events over the run's time spent neither joining nor inserting. */
const outsideInserts = (run: NormalizerRun) =>
  run.events / (run.totalSeconds - run.startSeconds - run.inserts.seconds)

function endToEndSection(
  runs: readonly NormalizerRun[],
  meanMessageBytes: number,
  setup: { generate: number; produce: number; topics: number },
): ReportSection {
  const events = runs[0]?.events ?? 0
  return {
    title: 'Normalizer, end to end (redaction on)',
    description:
      'Messages pre-produced to a fresh topic; the normalizer starts in this process with default settings and runs until its consumer group has committed every offset (the writer commits only after the insert).',
    table: {
      headers: [
        'workers',
        'integrity',
        'events',
        'group join',
        'all committed',
        'events/s',
        'in inserts',
        'events/s between inserts',
        'main loop busy',
        'main thread per event',
        'process CPU',
        'broker CPU',
        'host CPU busy',
        'other processes',
        'longest loop stall',
        'stored (FINAL)',
        'DLQ',
      ],
      numeric: [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16],
      rows: runs.map((run) => [
        String(run.workers),
        run.integrity ? `on (${run.seals} seals)` : 'off',
        formatCount(run.events),
        seconds(run.startSeconds),
        seconds(run.totalSeconds),
        formatCount(eventsPerSecond(run)),
        `${run.inserts.count} × ${formatMs((run.inserts.seconds * 1000) / run.inserts.count)} (${formatPercent(run.inserts.seconds / run.totalSeconds)})`,
        formatCount(outsideInserts(run)),
        formatPercent(run.resources.collectorElu),
        micros(mainMicros(run.resources, run.totalSeconds, run.events)),
        cores(run.resources.ownCores),
        cores(run.resources.brokerCores),
        hostCpu(run.resources),
        cores(run.resources.otherCores),
        formatMs(run.resources.loopDelayMaxMs),
        check(run.stored, run.events),
        String(run.deadLettered),
      ]),
    },
    notes: [
      `envelopes of ${Math.round(meanMessageBytes)} bytes on average, built by the collector's own CPU path from generic tools/call events with e-mails, home paths, tokens, phone numbers and IPs mixed into some arguments and results (bench/lib/normalizer-events.ts); produced like the collector produces (idempotent, acks=all, gzip, 1,000 per produce) to 6 partitions; building ${formatCount(events)} took ${seconds(setup.generate)}, producing them to ${setup.topics} topics ${seconds(setup.produce)}`,
      '"workers": normalizer.workers (0 = parse/normalize/redact on the main thread, N = a piscina pool of N threads); everything else is the default config (chunkSize 1,000, batchMaxRows 10,000, batchMaxWaitMs 1,000)',
      '"integrity": on is production: first write wins (one id lookup per batch, the id index written beside each insert) and the sealer, here every 5 s instead of every 60 s so that its read-backs fall inside the run, its last seal included in "all committed"; off skips the lookup, drops the id index\'s materialized view and seals nothing',
      '"group join": startNormalizer until it returned (group joined); "all committed": from calling startNormalizer until admin.fetchOffsets showed the end offset of every partition (polled every 100 ms), the last partial batch waiting up to batchMaxWaitMs included; "events/s" is events over that time',
      '"in inserts": the writer\'s inserts, their mean duration and their share of the run (mcp_audit_normalizer_insert_seconds); "events/s between inserts": events over the run minus group join and inserts',
      '"main loop busy": event-loop utilisation of the main thread (kafkajs, the writer, the inserts\' main-thread part, and with workers: 0 the CPU stages); "main thread per event": that thread\'s own CPU time per event; "process CPU": every thread (workers, libuv pool, GC, the embedded ClickHouse); "longest loop stall": longest event-loop delay seen (monitorEventLoopDelay); "other processes": the host\'s CPU minus this process and the broker (other test suites)',
      `"stored (FINAL)": SELECT count() FROM audit_events FINAL afterwards; "DLQ": messages on the run's dead-letter topic; mean eachBatch size: ${runs.map((run) => `${formatCount(run.meanFetchBatch)} (workers: ${run.workers})`).join(', ')} messages`,
    ],
  }
}

/** The bottleneck in one paragraph, from this run's figures. */
function bottleneckNote(runs: readonly NormalizerRun[], ceilings: Ceilings): string {
  const { stages, insert, consume } = ceilings
  const stageMicros = ((stages.parseMs + stages.normalizeMs + stages.redactMs) * 1000) / stages.events
  const insertMicros = (insert.seconds * 1e6) / insert.rows
  const byWorkers = (workers: number) => runs.find((run) => run.workers === workers && run.integrity)
  const inline = byWorkers(0)
  const pooled = byWorkers(1)
  const wide = runs.find((run) => run.workers > 1 && run.integrity)
  // Wall time per message kafkajs needs to fetch and decode, measured alone after the group join.
  const fetchMicros = ((consume.consumedSeconds - consume.joinSeconds) * 1e6) / consume.messages
  const serial = 1e6 / (fetchMicros + stageMicros + insertMicros)
  const parts = [
    `Bottleneck: the ingest loop does one thing at a time. It awaits each chunk of 1,000 messages being processed (on the main thread, or on one worker), when 10,000 rows are buffered it awaits the insert before it processes anything more, and kafkajs fetches the next batch after eachBatch returns, so the costs add up: ${micros(fetchMicros)} of fetching, ${micros(stageMicros)} of CPU stages and ${micros(insertMicros)} of insert per event, one after the other, would give ${formatCount(serial)} events/s; the runs reached ${runs.map((run) => `${formatCount(eventsPerSecond(run))} (workers: ${run.workers}${run.integrity ? '' : ', integrity off'})`).join(', ')}.`,
  ]
  for (const on of runs.filter((run) => run.integrity)) {
    const off = runs.find((run) => run.workers === on.workers && !run.integrity)
    if (!off) continue
    parts.push(
      `The trail's integrity (first write wins and seals) with workers: ${on.workers}: ${formatCount(eventsPerSecond(on))} events/s on against ${formatCount(eventsPerSecond(off))} off (${formatPercent(eventsPerSecond(on) / eventsPerSecond(off) - 1)}).`,
    )
  }
  if (pooled) {
    parts.push(
      `With workers: 1 the inserts took ${formatPercent(pooled.inserts.seconds / pooled.totalSeconds)} of the run, and between them events went through at ${formatCount(outsideInserts(pooled))}/s, against ${formatCount((stages.events * 1000) / (stages.parseMs + stages.normalizeMs + stages.redactMs))}/s for the CPU stages alone on one thread.`,
    )
  }
  if (inline && pooled) {
    parts.push(
      `A worker takes the CPU stages off the main thread (main loop busy ${formatPercent(inline.resources.collectorElu)} → ${formatPercent(pooled.resources.collectorElu)}, longest stall ${formatMs(inline.resources.loopDelayMaxMs)} → ${formatMs(pooled.resources.loopDelayMaxMs)}) but the main thread then waits for it: nothing overlaps processing with inserting.`,
    )
  }
  if (wide) {
    parts.push(
      `More workers cannot help while one chunk is in flight at a time (one partition at a time, chunks in sequence): with ${wide.workers} workers the process used ${cores(wide.resources.ownCores)}.`,
    )
  }
  parts.push(
    `Kafka is not the limit (kafkajs alone: ${formatCount(consume.messages / consume.committedSeconds)} msgs/s); the insert of these rows (${formatCount(insert.rows / insert.seconds)} rows/s alone) and the redact stage (${formatPercent(stages.redactMs / (stages.parseMs + stages.normalizeMs + stages.redactMs))} of the CPU stages) are the two costs, paid one after the other.`,
  )
  return parts.join(' ')
}

function ceilingSection(runs: readonly NormalizerRun[], ceilings: Ceilings): ReportSection {
  const { stages, insert, consume } = ceilings
  const best = runs.reduce<NormalizerRun | undefined>(
    (top, run) => (!top || eventsPerSecond(run) > eventsPerSecond(top) ? run : top),
    undefined,
  )
  const consumeWindow = consume.committedSeconds
  const stageSum = stages.parseMs + stages.normalizeMs + stages.redactMs
  const rows: string[][] = [
    [
      'kafkajs consume alone (msgs/s)',
      formatCount(consume.messages / consumeWindow),
      formatPercent(consume.resources.collectorElu),
      micros(mainMicros(consume.resources, consumeWindow, consume.messages)),
      cores(consume.resources.ownCores),
      cores(consume.resources.brokerCores),
      cores(consume.resources.otherCores),
      formatMs(consume.resources.loopDelayMaxMs),
    ],
    [
      `ClickHouse insert alone, ${formatCount(insert.batchRows)} rows per insert (rows/s)`,
      formatCount(insert.rows / insert.seconds),
      formatPercent(insert.resources.collectorElu),
      micros(mainMicros(insert.resources, insert.seconds, insert.rows)),
      cores(insert.resources.ownCores),
      '–',
      cores(insert.resources.otherCores),
      formatMs(insert.resources.loopDelayMaxMs),
    ],
    [
      'parse → normalize → redact alone, one thread (events/s)',
      formatCount((stages.events / stageSum) * 1000),
      '100%',
      micros((stageSum * 1000) / stages.events),
      '1.00 cores',
      '–',
      cores(ceilings.stagesOtherCores),
      '–',
    ],
    ...(best
      ? [
          [
            `normalizer, workers: ${best.workers}, the fastest run (events/s)`,
            formatCount(eventsPerSecond(best)),
            formatPercent(best.resources.collectorElu),
            micros(mainMicros(best.resources, best.totalSeconds, best.events)),
            cores(best.resources.ownCores),
            cores(best.resources.brokerCores),
            cores(best.resources.otherCores),
            formatMs(best.resources.loopDelayMaxMs),
          ],
        ]
      : []),
  ]
  return {
    title: 'Where the time goes: ceilings in the same run',
    description:
      'The same messages, and the rows the pipeline made of them, through each part alone; the fastest normalizer run below them.',
    table: {
      headers: [
        'part',
        'per second',
        'main loop busy',
        'main thread per item',
        'process CPU',
        'broker CPU',
        'other processes',
        'longest loop stall',
      ],
      numeric: [1, 2, 3, 4, 5, 6, 7],
      rows,
    },
    notes: [
      bottleneckNote(runs, ceilings),
      `"kafkajs consume alone": a new group reads the topic from the beginning with the normalizer's consumer settings (eachBatch, manual resolve, one partition at a time), no processing, one commit at the end; ${consume.batches} eachBatch calls; ${seconds(consume.joinSeconds)} to join, all read after ${seconds(consume.consumedSeconds)}, committed after ${seconds(consume.committedSeconds)} (the rate counts all of it)`,
      `"ClickHouse insert alone": the rows processEventMessage made of the same messages, inserted into a fresh audit_events with @clickhouse/client on the embedded store (chDB), one insert at a time, through the writer's table module (JSONCompactEachRow, encoded on this thread) with a deduplication token like the writer; ${formatCount(insert.rowJsonBytes)} bytes per row; insert call p50 ${formatMs(insert.latency.p50)}, max ${formatMs(insert.latency.max)}; stored (FINAL) ${check(insert.stored, insert.rows)}`,
      '"main thread per item": CPU time of the main thread per message, row or event; "longest loop stall": longest event-loop delay seen',
    ],
  }
}

function stagesSection(stages: StageTimes, otherCores: number): ReportSection {
  const sum = stages.parseMs + stages.normalizeMs + stages.redactMs
  const row = (name: string, ms: number, events = stages.events, share = true) => [
    name,
    formatCount((events / ms) * 1000),
    micros((ms * 1000) / events),
    share ? formatPercent(ms / sum) : '–',
  ]
  const findings = Object.entries(stages.findings)
    .sort(([, a], [, b]) => b - a)
    .map(([type, count]) => `${type} ${formatCount((count / stages.events) * 1000)}`)
    .join(', ')
  return {
    title: 'CPU stages alone, one thread',
    description: `Each stage timed over all ${formatCount(stages.events)} messages on the main thread with nothing else running in this process.`,
    table: {
      headers: ['stage', 'events/s', 'per event', 'share'],
      numeric: [1, 2, 3],
      rows: [
        row('parse (JSON.parse + envelope check, zod if it fails)', stages.parseMs),
        row('  of which JSON.parse', stages.jsonParseMs, stages.events, false),
        row('normalize', stages.normalizeMs),
        row('redact (redaction engine, pseudonymization)', stages.redactMs),
        row('sum of the stages', sum),
        row(
          `processEventMessage whole (${formatCount(stages.wholeEvents)} events)`,
          stages.wholeMs,
          stages.wholeEvents,
          false,
        ),
      ],
    },
    notes: [
      `findings per 1,000 events: ${findings}; every event's source_ip is hashed (one IP_ADDRESS each), and ${formatPercent(stages.eventsWithOtherFindings / stages.events)} of the events had another finding`,
      '"processEventMessage whole" runs the three stages per message, as the normalizer does, on the first messages and before the rest (smaller heap); the stage rows time each stage over chunks of 5,000 at once',
      `other processes on the host used ${cores(otherCores)} while the stages were timed; this thread's own CPU time over the staged pass was ${micros((stages.passCpuMs * 1000) / stages.events)} per event against ${micros((stages.passWallMs * 1000) / stages.events)} of wall time (the gap is mostly time it waited for a core)`,
    ],
  }
}

export function normalizerSections(input: {
  runs: readonly NormalizerRun[]
  ceilings: Ceilings
  meanMessageBytes: number
  setup: { generate: number; produce: number; topics: number }
}): ReportSection[] {
  return [
    endToEndSection(input.runs, input.meanMessageBytes, input.setup),
    ceilingSection(input.runs, input.ceilings),
    stagesSection(input.ceilings.stages, input.ceilings.stagesOtherCores),
  ]
}
