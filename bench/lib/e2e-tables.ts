import type { CpuThroughput } from './collector-path.js'
import type { RawProduceResult } from './kafka-ceiling.js'
import type { ConsumeResult, InsertResult } from './normalizer-ceilings.js'
import type { StageTimes } from './normalizer-stages.js'
import type { ResourceUse } from './probes.js'
import type { ReportSection } from './report.js'
import { formatCount, formatMs, formatPercent, type LatencySummary } from './stats.js'

/** The results of the end-to-end benchmark, and how they are laid out in BENCHMARKS.md. */

export interface Memory {
  peak: number
  steady: number
  samples: number
}

export interface BurstRun {
  events: number
  accepted: number
  statuses: Record<string, number>
  complete: boolean
  /** From the first POST until the insert of the last event returned. */
  seconds: number
  /** From the first POST until the last 202. */
  acceptSeconds: number
  postToAccepted: LatencySummary
  receivedToStored: LatencySummary
  storedByTap: number
  insertSeconds: number
  inserts: number
  produceSeconds: number
  memory: Memory
  resources: ResourceUse
  footprint: { final: number; physical: number; bytesOnDisk: number; uncompressedBytes: number }
}

export interface RateRun {
  share: number
  offered: number
  achieved: number
  accepted: number
  statuses: Record<string, number>
  complete: boolean
  postToAccepted: LatencySummary
  receivedToStored: LatencySummary
  memory: Memory
  resources: ResourceUse
}

export interface Ceilings {
  cpu: CpuThroughput
  cpuOtherCores: number
  jsonParseEventsPerSec: number
  jsonStringifyRowsPerSec: number
  produce: RawProduceResult
  produceResources: ResourceUse
  consume: ConsumeResult
  stages: StageTimes
  stagesOtherCores: number
  insert: InsertResult
}

const mib = (bytes: number) => {
  const value = bytes / 1024 ** 2
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} MiB`
}
const cores = (value: number) => `${value.toFixed(2)} cores`
const ratio = (a: number, b: number) => `×${(a / b).toFixed(1)}`
const latency = (summary: LatencySummary) => `${formatMs(summary.p50)} / ${formatMs(summary.p99)}`
const eventsPerSecond = (run: BurstRun) => run.accepted / run.seconds

function hostCpu(resources: ResourceUse): string {
  const steal = resources.hostSteal >= 0.01 ? ` (+${formatPercent(resources.hostSteal)} steal)` : ''
  return `${formatPercent(resources.hostBusy)}${steal}`
}

function stored(final: number, expected: number): string {
  return final === expected
    ? `ok (${final.toLocaleString('en-US')})`
    : `MISMATCH: ${final.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')}`
}

function burstSection(input: E2eInput): ReportSection {
  const { bursts, idleRss } = input
  const [small, large] = bursts
  const notes = [
    `events: generic events of ${Math.round(input.meanEventBytes)} bytes on average with e-mails, home paths, tokens, phone numbers and IPs in some arguments and results (the normalizer benchmark's events), ${input.batch} per request over ${input.connections} keep-alive connections from a worker thread; every event carries an id never sent before`,
    '"stored after": from the first POST until the normalizer\'s insert of the last event returned (the rows are then visible to queries); "events/s" is events over that time, the maximum the pipeline sustains end to end; "accepted after": until the last 202',
    '"POST → 202": request latency at the load generator; "received → stored": per event, from the collector\'s receive time (`received_at`, stamped when the body has been read) until its insert returned, taken in the normalizer\'s after-insert hook',
    `"RSS": process.memoryUsage().rss sampled every 250 ms over the run, the whole process (collector, normalizer and its worker, detector, embedded ClickHouse, load generator with its body pool); "steady" is the median of the second half of the samples; ${mib(idleRss)} before the warm-up`,
    '"on disk": active parts of audit_events in system.parts after the run (bytes_on_disk; uncompressed in brackets)',
  ]
  if (small && large) {
    notes.push(
      `1× → 10×: events ${ratio(large.accepted, small.accepted)}, time ${ratio(large.seconds, small.seconds)}, events/s ${ratio(eventsPerSecond(large), eventsPerSecond(small))}, peak RSS ${ratio(large.memory.peak, small.memory.peak)}, bytes on disk ${ratio(large.footprint.bytesOnDisk, small.footprint.bytesOnDisk)}`,
    )
  }
  return {
    title: 'Whole pipeline, as fast as it goes: 1× and 10× the data',
    description: `Each burst on a fresh pipeline (topics, database, consumer group) in a process warmed up by a burst of ${input.warmup.toLocaleString('en-US')} events: the load sends the events as fast as the collector answers, and the run lasts until the last one is stored.`,
    table: {
      headers: [
        'events',
        'accepted after',
        'stored after',
        'events/s',
        'POST → 202 p50 / p99',
        'received → stored p50 / p99',
        'max',
        'inserts',
        'peak RSS',
        'steady RSS',
        'on disk',
        'bytes/event',
        'process CPU',
        'broker CPU',
        'other processes',
        'stored (FINAL)',
      ],
      numeric: [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14],
      rows: bursts.map((run) => [
        run.events.toLocaleString('en-US'),
        `${run.acceptSeconds.toFixed(1)} s`,
        `${run.seconds.toFixed(1)} s`,
        formatCount(eventsPerSecond(run)),
        latency(run.postToAccepted),
        latency(run.receivedToStored),
        formatMs(run.receivedToStored.max),
        `${run.inserts} × ${formatMs((run.insertSeconds / Math.max(1, run.inserts)) * 1000)}`,
        mib(run.memory.peak),
        mib(run.memory.steady),
        `${mib(run.footprint.bytesOnDisk)} (${mib(run.footprint.uncompressedBytes)})`,
        formatCount(run.footprint.bytesOnDisk / run.accepted),
        cores(run.resources.ownCores),
        cores(run.resources.brokerCores),
        cores(run.resources.otherCores),
        stored(run.footprint.final, run.accepted),
      ]),
    },
    notes,
  }
}

function rateSection(input: E2eInput): ReportSection {
  return {
    title: 'Whole pipeline at fixed offered rates',
    description: `Requests of ${input.batch} events leave on a fixed schedule for ${input.rateSeconds} s, at shares of the 10× burst's ${formatCount(input.max)} events/s; one pipeline, each rate drained before the next.`,
    table: {
      headers: [
        'offered events/s',
        'achieved',
        'POST → 202 p50 / p99',
        'received → stored p50 / p99',
        'max',
        'peak RSS',
        'steady RSS',
        'process CPU',
        'host CPU busy',
        'other processes',
        'non-202',
        'all stored',
      ],
      numeric: [0, 1, 4, 5, 6, 7, 9],
      rows: input.rates.map((run) => [
        `${formatCount(run.offered)} (${formatPercent(run.share)})`,
        formatCount(run.achieved),
        latency(run.postToAccepted),
        latency(run.receivedToStored),
        formatMs(run.receivedToStored.max),
        mib(run.memory.peak),
        mib(run.memory.steady),
        cores(run.resources.ownCores),
        hostCpu(run.resources),
        cores(run.resources.otherCores),
        String(
          Object.entries(run.statuses)
            .filter(([status]) => status !== '202')
            .reduce((sum, [, count]) => sum + count, 0),
        ),
        run.complete ? 'yes' : 'NO',
      ]),
    },
    notes: [
      'POST → 202 counts from the time each request was due (no coordinated omission); received → stored is per event as above',
      'the normalizer flushes a batch at 10,000 rows or after 1 s (batchMaxWaitMs), so below its capacity an event waits up to about a second for its insert',
    ],
  }
}

function ceilingSection(input: E2eInput): ReportSection {
  const { ceilings: c } = input
  const large = input.bursts[1] ?? input.bursts[0]!
  const stageSum = (c.stages.parseMs + c.stages.normalizeMs + c.stages.redactMs) / 1000
  const rows: string[][] = [
    ['JSON.parse of the request bodies, one thread', formatCount(c.jsonParseEventsPerSec), '–'],
    [
      'collector CPU path (parse, validate, ids, envelopes), one thread',
      formatCount(c.cpu.collectorPathEventsPerSec),
      `${formatCount(large.accepted / large.acceptSeconds)} accepted (202) per second`,
    ],
    [
      `kafkajs produce alone, ${input.connections} sends in flight`,
      formatCount((c.produce.eventMessages / c.produce.windowMs) * 1000),
      `${formatCount(large.accepted / large.produceSeconds)} per second of produce time`,
    ],
    [
      'kafkajs consume alone (normalizer settings)',
      formatCount(c.consume.messages / c.consume.committedSeconds),
      `${formatCount(eventsPerSecond(large))} stored per second`,
    ],
    [
      'normalizer CPU stages (parse, normalize, redact), one thread',
      formatCount(c.stages.events / stageSum),
      `${formatCount(eventsPerSecond(large))} stored per second`,
    ],
    ['JSON.stringify of the rows, one thread', formatCount(c.jsonStringifyRowsPerSec), '–'],
    [
      `ClickHouse insert alone, ${c.insert.batchRows.toLocaleString('en-US')} rows per insert`,
      formatCount(c.insert.rows / c.insert.seconds),
      `${formatCount(large.accepted / large.insertSeconds)} per second of insert time (${formatPercent(large.insertSeconds / large.seconds)} of the run)`,
    ],
    ['whole pipeline (10× burst)', '–', formatCount(eventsPerSecond(large))],
  ]
  return {
    title: 'Each part alone beside the pipeline (events/s, same events, same run)',
    description:
      'The same events (and the rows the normalizer makes of them) through each part alone, after the pipeline runs; the right column is the same part inside the 10× burst.',
    table: { headers: ['part', 'alone', 'in the pipeline'], numeric: [1], rows },
    notes: [
      `other processes on the host used ${cores(c.cpuOtherCores)} while the collector path was timed and ${cores(c.stagesOtherCores)} during the normalizer stages; kafkajs produce alone: broker ${cores(c.produceResources.brokerCores)}, other processes ${cores(c.produceResources.otherCores)}`,
      `kafkajs consume alone read ${c.consume.messages.toLocaleString('en-US')} messages (joined in ${c.consume.joinSeconds.toFixed(1)} s, the rate counts it); the insert ceiling stored ${c.insert.stored.toLocaleString('en-US')} rows of ${Math.round(c.insert.rowJsonBytes)} bytes each (JSONCompactEachRow)`,
      'in the pipeline all of it shares two cores with the broker and the load generator; alone, each part has them to itself',
    ],
  }
}

export interface E2eInput {
  bursts: BurstRun[]
  rates: RateRun[]
  max: number
  ceilings: Ceilings
  idleRss: number
  warmup: number
  meanEventBytes: number
  batch: number
  connections: number
  rateSeconds: number
}

export function e2eSections(input: E2eInput): ReportSection[] {
  return [burstSection(input), rateSection(input), ceilingSection(input)]
}
