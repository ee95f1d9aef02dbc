import { microsPerEvent, type CpuSpent } from './e2e-cpu.js'
import { partRates, slowestPart } from './e2e-parts.js'
import { eventsPerSecond, mib, type BurstRun, type E2eInput } from './e2e-tables.js'
import type { ReportSection } from './report.js'
import { formatCount, formatMs, formatPercent } from './stats.js'

/**
 * The CPU each part spends per event, against the whole pipeline's in the burst, and the goals of
 * issue 19 beside this run's figures. The goals are the issue's; every figure is measured.
 */

const CORES = 2
const GOAL = {
  eventsPerSec: 15_000,
  longTermEventsPerSec: 50_000,
  ceilingShare: 0.6,
  latencyRate: 10_000,
  postP99Ms: 50,
  storedP99Ms: 2_000,
  peakRssBytes: 1.2e9,
}

const micros = (value: number) => (Number.isFinite(value) ? `${formatCount(value)} µs` : '–')
const verdict = (met: boolean | undefined) => (met === undefined ? '–' : met ? 'met' : 'NOT MET')
const gigabytes = (bytes: number) => `${mib(bytes)} (${(bytes / 1e9).toFixed(2)} GB)`

/** The pipeline's own CPU in a burst: the process without the load generator's thread. */
function pipelineSeconds(run: BurstRun): number {
  return run.cpu.processSeconds - run.loadCpuSeconds
}

function costRow(name: string, cpu: CpuSpent, excluded: number, events: number, rate: string): string[] {
  const own = microsPerEvent(cpu.processSeconds - excluded, events)
  const broker = microsPerEvent(cpu.brokerSeconds, events)
  return [
    name,
    micros(own),
    micros(microsPerEvent(cpu.mainSeconds, events)),
    micros(broker),
    micros(own + broker),
    rate,
  ]
}

export function costSection(input: E2eInput): ReportSection {
  const large = input.bursts[1] ?? input.bursts[0]!
  const parts = partRates(input.ceilings)
  const stored = large.complete ? large.accepted : large.storedByTap
  const sum = { process: 0, broker: 0 }
  const rows = parts.map((part) => {
    const { cpu, excludedSeconds, events } = part.cost
    sum.process += microsPerEvent(cpu.processSeconds - excludedSeconds, events)
    sum.broker += microsPerEvent(cpu.brokerSeconds, events)
    return costRow(part.name, cpu, excludedSeconds, events, formatCount(part.eventsPerSec))
  })
  rows.push([
    'sum of the parts alone',
    micros(sum.process),
    '',
    micros(sum.broker),
    micros(sum.process + sum.broker),
    '',
  ])
  const whole = costRow(
    `whole pipeline, burst of ${large.events.toLocaleString('en-US')}`,
    large.cpu,
    large.loadCpuSeconds,
    stored,
    formatCount(eventsPerSecond(large)),
  )
  rows.push(whole)
  const engine = large.cpu.processSeconds - large.cpu.mainSeconds - large.cpu.nodeThreadSeconds
  const perEvent = (seconds: number) => micros(microsPerEvent(seconds, stored))
  rows.push(
    ['… of which the main thread', perEvent(large.cpu.mainSeconds), '', '', '', ''],
    [
      '… worker threads, GC, libuv pool (without the load generator)',
      perEvent(large.cpu.nodeThreadSeconds - large.loadCpuSeconds),
      '',
      '',
      '',
      '',
    ],
    ['… embedded ClickHouse pools (and threads that ended)', perEvent(engine), '', '', '', ''],
  )
  const wholeMicros =
    microsPerEvent(pipelineSeconds(large), stored) + microsPerEvent(large.cpu.brokerSeconds, stored)
  return {
    title: 'CPU per event, part by part (µs of CPU per event, same events, same run)',
    description:
      'Each part alone on the same events as the bursts (the parts of the previous section), and the whole pipeline over the 10× burst, from the first POST until the last row stored.',
    table: {
      headers: ['part', 'this process', 'main thread', 'broker', 'total', 'events/s'],
      numeric: [1, 2, 3, 4, 5],
      rows,
    },
    notes: [
      '"this process": process.cpuUsage() (user + system, every thread: event loop, worker threads, GC, libuv pool, the embedded ClickHouse\'s pools) over the part, divided by its events; "main thread": /proc/self/task/<pid>/stat; "broker": the Kafka JVM\'s /proc/<pid>/stat; all on the same clock ticks (10 ms), so short parts round',
      `HTTP + parse + validate: the collector's HTTP app with a publisher that answers at once, under the load generator (${input.connections} connections, ${input.batch} events a request); the load generator's own thread CPU (/proc/thread-self/stat, read on that thread) is taken out`,
      "Kafka produce / consume: kafkajs with the collector's producer settings (acks=all, gzip, idempotent) and the normalizer's consumer settings, no other work; the broker column is the JVM's CPU over the same time",
      'parse + normalize + redact: processEventMessage, as a normalizer worker thread runs it, over every event after a warm-up pass; insert: @clickhouse/client into the embedded engine, 10,000 rows per insert like the writer (JSON encoding included; merges that run after the call are not); detector: inspectRows (stream rules, incident lookups, alert rows) on the rows, 10,000 at a time, on a database of its own',
      `whole pipeline: the process's CPU over the burst without the load generator's thread, plus the broker's, divided by the events stored; its split by thread reads /proc/self/task (threads named \`node\` besides the main thread; the rest of the process is the embedded engine). What the whole spends beyond the sum of the parts is the cost of running them together (polling, timers, waiting, GC of a larger heap)`,
      `budget on ${CORES} cores: ${micros((CORES * 1e6) / GOAL.eventsPerSec)} per event at ${formatCount(GOAL.eventsPerSec)} events/s, ${micros((CORES * 1e6) / GOAL.longTermEventsPerSec)} at ${formatCount(GOAL.longTermEventsPerSec)}; at this run's ${micros(wholeMicros)} the pipeline could store at most ${formatCount((CORES * 1e6) / wholeMicros)} events/s if CPU were all that limited it`,
    ],
  }
}

export function goalSection(input: E2eInput): ReportSection {
  const large = input.bursts[1] ?? input.bursts[0]!
  const slowest = slowestPart(input.ceilings)
  const rate = eventsPerSecond(large)
  const atTarget = input.rates.find((run) => run.offered === GOAL.latencyRate)
  const stored = large.complete ? large.accepted : large.storedByTap
  const cpuMicros =
    microsPerEvent(pipelineSeconds(large), stored) + microsPerEvent(large.cpu.brokerSeconds, stored)
  const ratePeak = Math.max(...input.rates.map((run) => run.memory.peak))
  const burstPeak = Math.max(...input.bursts.map((run) => run.memory.peak))
  const mainBusy = large.cpu.mainSeconds / large.cpu.wallSeconds
  const cores = (pipelineSeconds(large) + large.cpu.brokerSeconds) / large.cpu.wallSeconds
  const rows: string[][] = [
    [
      `end to end, burst of ${large.events.toLocaleString('en-US')} (the issue's: 500,000)`,
      `≥ ${formatCount(GOAL.eventsPerSec)} events/s`,
      `${formatCount(rate)} events/s`,
      verdict(rate >= GOAL.eventsPerSec),
    ],
    [
      `share of the slowest part alone (${slowest.name}, ${formatCount(slowest.eventsPerSec)} events/s)`,
      `≥ ${formatPercent(GOAL.ceilingShare)}`,
      formatPercent(rate / slowest.eventsPerSec),
      verdict(rate / slowest.eventsPerSec >= GOAL.ceilingShare),
    ],
    [
      `POST → 202 p99 at ${formatCount(GOAL.latencyRate)} events/s offered`,
      `< ${formatMs(GOAL.postP99Ms)}`,
      atTarget ? formatMs(atTarget.postToAccepted.p99) : 'not measured',
      verdict(atTarget && atTarget.postToAccepted.p99 < GOAL.postP99Ms),
    ],
    [
      `received → stored p99 at ${formatCount(GOAL.latencyRate)} events/s offered`,
      `< ${formatMs(GOAL.storedP99Ms)}`,
      atTarget ? formatMs(atTarget.receivedToStored.p99) : 'not measured',
      verdict(atTarget && atTarget.complete && atTarget.receivedToStored.p99 < GOAL.storedP99Ms),
    ],
    [
      'peak RSS under the fixed rates (the bursts)',
      `< ${gigabytes(GOAL.peakRssBytes)}`,
      `${gigabytes(ratePeak)} (${gigabytes(burstPeak)})`,
      verdict(ratePeak < GOAL.peakRssBytes),
    ],
    [
      'CPU per event, whole pipeline with the broker (previous section)',
      `≤ ${micros((CORES * 1e6) / GOAL.eventsPerSec)} (${micros((CORES * 1e6) / GOAL.longTermEventsPerSec)} for ${formatCount(GOAL.longTermEventsPerSec)}/s later)`,
      micros(cpuMicros),
      verdict(cpuMicros <= (CORES * 1e6) / GOAL.eventsPerSec),
    ],
  ]
  return {
    title: 'Issue 19 goals beside this run',
    description:
      "The goals of issue 19 (cost per event, end-to-end throughput) and this run's figures from the sections above; the windowed catch-up goal is in the detector benchmark.",
    table: { headers: ['figure', 'goal', 'this run', 'met'], rows },
    notes: [
      `where the burst's time went: the normalizer's writer spent ${formatPercent(large.insertSeconds / large.seconds)} of it in inserts and ${formatPercent(large.detectorSeconds / large.seconds)} in the stream rules after them (one after the other); the main thread was busy ${formatPercent(mainBusy)} of it; the pipeline and the broker used ${cores.toFixed(2)} of ${CORES} cores; the slowest part alone is ${slowest.name}`,
      'peak RSS is the whole benchmark process: the pipeline as `start` runs it plus the load generator and its body pool',
    ],
  }
}

/** The main thread's CPU profile over the 1× burst: where the event loop's time went. */
export function profileSection(input: E2eInput): ReportSection | undefined {
  const run = input.bursts.find((burst) => burst.profile)
  const profile = run?.profile
  if (!run || !profile) return undefined
  const share = (ms: number) => formatPercent(ms / profile.totalMs)
  return {
    title: `Main thread, CPU profile of the burst of ${run.events.toLocaleString('en-US')}`,
    description:
      "V8's sampling profiler (1 ms) on the main thread from the first POST until the last row stored: self time by area of the code. The collector's HTTP, kafkajs, the normalizer's loop and writer, the detector and the calls into the embedded engine share this thread; the normalizer's worker threads and the engine's pools are not in it.",
    table: {
      headers: ['area', 'self time', 'share'],
      numeric: [1, 2],
      rows: profile.areas.map(({ area, ms }) => [area, formatMs(ms), share(ms)]),
    },
    notes: [
      `the functions with the most self time: ${profile.functions.map(({ name, area, ms }) => `${name} [${area}] ${formatMs(ms)}`).join('; ')}`,
      'this burst ran under the profiler (a little slower for it); the 10× burst, whose figures the goals use, did not',
    ],
  }
}
