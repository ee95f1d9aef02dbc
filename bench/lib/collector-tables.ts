import type { CpuThroughput } from './collector-path.js'
import type { LoadResult, LoadSpec } from './load.js'
import type { ResourceUse } from './probes.js'
import type { ReportSection } from './report.js'
import { formatCount, formatMs, formatPercent, type LatencySummary } from './stats.js'

/** The results of the collector benchmark, and how they are laid out in BENCHMARKS.md. */

/** Keep-alive connections of the main runs: a handful of gateways, each with a few requests in flight. */
export const CONNECTIONS = 16

export interface Check {
  ok: boolean
  text: string
}

export interface HttpRun {
  spec: LoadSpec
  eventsPerSec: number
  requestsPerSec: number
  latency: LatencySummary
  result: LoadResult
  resources: ResourceUse
  /** Mean messages (events and receipts) per Kafka produce request the collector made. */
  messagesPerProduce: number
  /** Events and receipts in Kafka against those acknowledged; only for the collector that writes to Kafka. */
  check?: Check
}

export interface RawKafkaRun {
  batch: number
  concurrency: number
  eventsPerSec: number
  sendsPerSec: number
  latency: LatencySummary
  resources: ResourceUse
  check: Check
}

const cores = (value: number) => `${value.toFixed(2)} cores`

function hostCpu(resources: ResourceUse): string {
  const steal = resources.hostSteal >= 0.01 ? ` (+${formatPercent(resources.hostSteal)} steal)` : ''
  return `${formatPercent(resources.hostBusy)}${steal}`
}

function failures(run: HttpRun): string {
  const { statuses } = run.result.total
  const bad = Object.entries(statuses).filter(([status]) => status !== '202')
  return bad.length === 0 ? '0' : bad.map(([status, count]) => `${count}×${status}`).join(', ')
}

function checkText(run: HttpRun): string {
  return run.check?.text ?? '–'
}

function failureNotes(runs: readonly HttpRun[]): string[] {
  return runs.flatMap((run) =>
    run.result.failures.map(
      (failure) =>
        `failure at ${run.spec.batch} events/request, ${run.spec.connections} connections: ${failure}`,
    ),
  )
}

export function closedLoopTable(runs: readonly HttpRun[], meanEventBytes: number): ReportSection {
  return {
    title: 'Collector, maximum throughput (closed loop)',
    description:
      'Each connection sends its next request as soon as the previous one is answered (202 = in Kafka, acks=all).',
    table: {
      headers: [
        'events/request',
        'connections',
        'window',
        'events/s',
        'requests/s',
        'p50',
        'p99',
        'msgs/Kafka produce',
        'collector loop busy',
        'load gen. busy',
        'broker CPU',
        'host CPU busy',
        'other processes',
        'non-202',
        'Kafka holds (events)',
      ],
      numeric: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      rows: runs.map((run) => [
        String(run.spec.batch),
        String(run.spec.connections),
        `${run.spec.warmupMs / 1000}+${run.spec.durationMs / 1000} s`,
        formatCount(run.eventsPerSec),
        formatCount(run.requestsPerSec),
        formatMs(run.latency.p50),
        formatMs(run.latency.p99),
        formatCount(run.messagesPerProduce),
        formatPercent(run.resources.collectorElu),
        formatPercent(run.result.loadElu),
        cores(run.resources.brokerCores),
        hostCpu(run.resources),
        cores(run.resources.otherCores),
        failures(run),
        checkText(run),
      ]),
    },
    notes: [
      `events are generic events of ${Math.round(meanEventBytes)} bytes on average (JSON); a request of 1 is a bare object, larger ones are arrays`,
      '"window": warm-up + measured seconds; throughput and latency count the answers that arrived in the measured part, latency from sending the request to the end of the answer',
      '"msgs/Kafka produce": events plus one receipt per request, per sendBatch the collector made (its linger batching across requests)',
      '"collector loop busy": event-loop utilisation of the thread running the collector (100% = that one thread is the limit); "load gen." is the worker thread sending the load; "host CPU busy" counts every process on the machine, 100% = both cores ("steal": CPU time the hypervisor gave to other machines); "other processes" is the host\'s CPU minus this process and the broker: other test suites running at the same time',
      '"Kafka holds": messages added to the raw topic during the run (admin.fetchTopicOffsets) against the events acknowledged with 202, warm-up included; receipts are checked the same way',
      ...failureNotes(runs),
    ],
  }
}

export function openLoopTable(runs: readonly HttpRun[], closedLoopMax: number): ReportSection {
  const first = runs[0]
  return {
    title: 'Collector, fixed offered rates (open loop)',
    description: `Requests of ${first?.spec.batch ?? ''} events leave on a fixed schedule whatever the answers; rates are shares of the closed-loop maximum at that size (${formatCount(closedLoopMax)} events/s).`,
    table: {
      headers: [
        'offered events/s',
        'achieved events/s',
        'requests',
        'p50',
        'p99',
        'max',
        'collector loop busy',
        'host CPU busy',
        'other processes',
        'non-202',
        'Kafka holds (events)',
      ],
      numeric: [0, 1, 2, 3, 4, 5, 6, 7, 8],
      rows: runs.map((run) => [
        formatCount(run.spec.eventsPerSecond ?? Number.NaN),
        formatCount(run.eventsPerSec),
        formatCount(run.result.requests),
        formatMs(run.latency.p50),
        formatMs(run.latency.p99),
        formatMs(run.latency.max),
        formatPercent(run.resources.collectorElu),
        hostCpu(run.resources),
        cores(run.resources.otherCores),
        failures(run),
        checkText(run),
      ]),
    },
    notes: [
      `${first ? first.spec.durationMs / 1000 : ''} s per rate over ${CONNECTIONS} keep-alive connections; latency counts from the time a request was due, so queueing in the client counts too (no coordinated omission)`,
      ...failureNotes(runs),
    ],
  }
}

export function ceilingTables(input: {
  cpu: ReadonlyMap<number, CpuThroughput>
  /** CPU cores other processes used while the CPU path was measured, per batch size. */
  cpuOtherCores: ReadonlyMap<number, number>
  nullHttp: ReadonlyMap<number, HttpRun>
  rawKafka: readonly RawKafkaRun[]
  closed: readonly HttpRun[]
}): ReportSection[] {
  const batches = [...input.cpu.keys()]
  const concurrencies = [...new Set(input.rawKafka.map((run) => run.concurrency))]
  const rawAt = (batch: number, concurrency: number) =>
    input.rawKafka.find((run) => run.batch === batch && run.concurrency === concurrency)
  const full = (batch: number) =>
    input.closed.find((run) => run.spec.batch === batch && run.spec.connections === CONNECTIONS)
  const headers = [
    'events/request',
    'JSON.parse + zod',
    'collector CPU path',
    `HTTP app, no Kafka (${CONNECTIONS} conns)`,
    ...concurrencies.map((c) => `kafkajs alone, ${c} send${c === 1 ? '' : 's'} in flight`),
    `full collector (${CONNECTIONS} conns)`,
  ]
  const summary: ReportSection = {
    title: 'Where the time goes: ceilings in the same run (events/s)',
    description:
      'The same bodies through each part alone. CPU columns are one thread with nothing else running; the HTTP column is the collector app with a publisher that acknowledges at once.',
    table: {
      headers,
      numeric: headers.map((_, index) => index),
      rows: batches.map((batch) => [
        String(batch),
        formatCount(input.cpu.get(batch)?.parseValidateEventsPerSec ?? Number.NaN),
        formatCount(input.cpu.get(batch)?.collectorPathEventsPerSec ?? Number.NaN),
        formatCount(input.nullHttp.get(batch)?.eventsPerSec ?? Number.NaN),
        ...concurrencies.map((c) => formatCount(rawAt(batch, c)?.eventsPerSec ?? Number.NaN)),
        formatCount(full(batch)?.eventsPerSec ?? Number.NaN),
      ]),
    },
    notes: [
      '"collector CPU path": parseBody, format detection, adapter, GenericEvent validation, event id and key derivation, receipt, JSON.stringify of the envelopes (services/collector/app.ts up to publish)',
      '"kafkajs alone": one sendBatch per request body (its events plus its receipt) with the collector\'s settings: idempotent, maxInFlightRequests 1, acks=-1, gzip',
      `other processes on the host used up to ${cores(Math.max(0, ...input.cpuOtherCores.values()))} while the CPU columns were measured`,
    ],
  }
  const detail: ReportSection = {
    title: 'kafkajs alone (the Kafka ceiling)',
    table: {
      headers: [
        'events/send',
        'sends in flight',
        'events/s',
        'sends/s',
        'p50 send',
        'p99 send',
        'client loop busy',
        'broker CPU',
        'other processes',
        'Kafka holds (events)',
      ],
      numeric: [0, 1, 2, 3, 4, 5, 6, 7, 8],
      rows: input.rawKafka.map((run) => [
        String(run.batch),
        String(run.concurrency),
        formatCount(run.eventsPerSec),
        formatCount(run.sendsPerSec),
        formatMs(run.latency.p50),
        formatMs(run.latency.p99),
        formatPercent(run.resources.collectorElu),
        cores(run.resources.brokerCores),
        cores(run.resources.otherCores),
        run.check.text,
      ]),
    },
    notes: [
      '"client loop busy": event-loop utilisation of the thread calling kafkajs (record encoding, CRC-32C, bookkeeping; gzip itself runs on the libuv pool)',
    ],
  }
  const nullRuns = [...input.nullHttp.values()]
  const http: ReportSection = {
    title: 'Collector HTTP app without Kafka',
    table: {
      headers: [
        'events/request',
        'events/s',
        'requests/s',
        'p50',
        'p99',
        'collector loop busy',
        'load gen. busy',
        'other processes',
      ],
      numeric: [0, 1, 2, 3, 4, 5, 6, 7],
      rows: nullRuns.map((run) => [
        String(run.spec.batch),
        formatCount(run.eventsPerSec),
        formatCount(run.requestsPerSec),
        formatMs(run.latency.p50),
        formatMs(run.latency.p99),
        formatPercent(run.resources.collectorElu),
        formatPercent(run.result.loadElu),
        cores(run.resources.otherCores),
      ]),
    },
    notes: failureNotes(nullRuns),
  }
  return [summary, detail, http]
}
