import type { ReportSection } from './report.js'
import { formatMs, type LatencySummary } from './stats.js'
import { DEFAULT_QUERY_LIMITS } from '../../services/console/admin-query.js'

const EMBEDDED = DEFAULT_QUERY_LIMITS.embedded

/** The security benchmark's tables: ordinary events behind a flood, and ingestion beside admin SQL. */

export interface FloodRun {
  kind: 'hostile' | 'ordinary'
  events: number
  chars: number
  bytes: number
  /** Seconds from the ordinary events' 202 until the last of them was stored, per tenant. */
  followSeconds: Record<string, number>
  /** Seconds from the batch's first POST until its last event was stored. */
  batchSeconds: number
  /** CPU seconds of the whole process (every thread) from the first POST until everything was stored. */
  processCpuSeconds: number
  /** The normalizer's CPU stages alone on the batch's messages, on one thread. */
  normalizerCpuMs: number
  normalizerWallMs: number
}

export interface AdminRun {
  tenant: string
  query: string
  status: number
  ms: number
  error?: string
}

export interface PhaseRun {
  withAdmin: boolean
  trickleEvents: number
  stored: number
  receiptToStored: LatencySummary
  postToAccepted: LatencySummary
  /** Each detector tick: its milliseconds and the buckets it judged (over all windowed rules). */
  ticks: Array<{ ms: number; windows: number }>
  admin: AdminRun[]
}

const seconds = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} s` : '–')
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`

function floodSection(runs: readonly FloodRun[], tenants: readonly string[]): ReportSection {
  return {
    title: 'Ordinary events behind a batch of adversarial strings',
    description:
      'A batch POSTed to the collector by acme, immediately followed by 10 small ordinary events of globex and 10 of acme: seconds from their 202 until the normalizer stored them; beside it the same after a batch of ordinary prose of the same count and sizes.',
    table: {
      headers: [
        'batch before them',
        'events × chars',
        'body',
        ...tenants.map((tenant) => `${tenant}: 202 → stored`),
        'batch: first POST → all stored',
        'process CPU (all threads)',
        'normalizer CPU alone',
      ],
      rows: runs.map((run) => [
        run.kind === 'hostile' ? 'adversarial strings' : 'ordinary prose (control)',
        `${run.events} × ${(run.chars / 1024).toFixed(0)} K`,
        mib(run.bytes),
        ...tenants.map((tenant) => seconds(run.followSeconds[tenant] ?? Number.NaN)),
        seconds(run.batchSeconds),
        seconds(run.processCpuSeconds),
        `${formatMs(run.normalizerCpuMs)} (${formatMs(run.normalizerCpuMs / run.events)}/event)`,
      ]),
      numeric: [3, 4, 5, 6, 7, 8],
    },
    notes: [
      `Adversarial strings, in turn, each in the arguments then in the result: ${"'A-'… + ' 1 A'"} (street address), 'strasse '… , 'nc '… (command injection rule), '<' + spaces (prompt injection rule).`,
      "Stored: the normalizer's insert of the row returned (rows are visible then); the rows were counted in the store afterwards.",
      "Normalizer CPU alone: parse, normalize and redact (processEventMessage) of the batch's messages on the benchmark's thread after the run, with the pipeline idle.",
    ],
  }
}

function tickSummary(ticks: readonly number[]): { p50: number; max: number } {
  const sorted = [...ticks].sort((a, b) => a - b)
  return { p50: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN }
}

function phaseSection(phases: readonly PhaseRun[], trickleRate: number, phaseSeconds: number): ReportSection {
  return {
    title: 'Ingestion and detector windows while admin queries run',
    description: `A steady trickle of ${trickleRate} events/s (one event per request, tenants in turn) for ${phaseSeconds} s, and the detector's windowed ticks (runOnce) every 0.5 s, without and with admin queries running back to back on the console (POST /api/v1/query, acme's and globex's admin tokens, one query per tenant at a time).`,
    table: {
      headers: [
        'admin queries',
        'events stored',
        'receipt → stored p50',
        'p99',
        'max',
        'POST → 202 p99',
        'detector ticks',
        'tick p50',
        'tick max',
        'buckets judged',
        'heaviest tick (buckets)',
        'admin queries answered',
      ],
      rows: phases.map((phase) => {
        const ticks = tickSummary(phase.ticks.map((tick) => tick.ms))
        const heaviest = phase.ticks.reduce((a, b) => (b.windows > a.windows ? b : a), {
          ms: Number.NaN,
          windows: 0,
        })
        return [
          phase.withAdmin ? 'running' : 'none',
          `${phase.stored} / ${phase.trickleEvents}`,
          formatMs(phase.receiptToStored.p50),
          formatMs(phase.receiptToStored.p99),
          formatMs(phase.receiptToStored.max),
          formatMs(phase.postToAccepted.p99),
          String(phase.ticks.length),
          formatMs(ticks.p50),
          formatMs(ticks.max),
          String(phase.ticks.reduce((sum, tick) => sum + tick.windows, 0)),
          `${formatMs(heaviest.ms)} (${heaviest.windows})`,
          String(phase.admin.length),
        ]
      }),
      numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    },
    notes: [
      "Receipt → stored: received_at (the collector) until the normalizer's insert of the row returned.",
      "Detector ticks: the scheduler's runOnce on a clock ahead of the wall clock that moves 15 s (the default tick interval) per tick, 30× faster than real time; each phase's ticks straddle a 30-minute boundary, where a bucket of every windowed rule ends (the heaviest tick). Those buckets hold no events: the ticks measure the engine's queue and CPU, not the rules' work on data.",
    ],
  }
}

function adminSection(runs: readonly AdminRun[]): ReportSection {
  const byQuery = new Map<string, AdminRun[]>()
  for (const run of runs) byQuery.set(run.query, [...(byQuery.get(run.query) ?? []), run])
  return {
    title: 'The admin queries that ran beside ingestion',
    description: `Each query as the console answered it (embedded limits: ${EMBEDDED.maxExecutionSeconds} s on ${EMBEDDED.maxThreads} thread, ${EMBEDDED.maxMemoryBytes / 1e6} MB, ${EMBEDDED.maxRowsToRead / 1e6} M rows read, ${EMBEDDED.maxConcurrent} at a time).`,
    table: {
      headers: ['query', 'runs', 'answers', 'median', 'max'],
      rows: [...byQuery].map(([query, list]) => {
        const statuses = new Map<number, number>()
        for (const run of list) statuses.set(run.status, (statuses.get(run.status) ?? 0) + 1)
        const ms = list.map((run) => run.ms).sort((a, b) => a - b)
        return [
          query,
          String(list.length),
          [...statuses].map(([status, count]) => `${count}× ${status}`).join(', '),
          formatMs(ms[Math.floor((ms.length - 1) / 2)] ?? Number.NaN),
          formatMs(ms.at(-1) ?? Number.NaN),
        ]
      }),
      numeric: [1, 3, 4],
    },
    notes: [
      ...new Set(
        runs
          .filter((run) => run.error)
          .map((run) => `${run.query}, ${run.status}: ${run.error!.slice(0, 160)}`),
      ),
    ],
  }
}

export function securitySections(options: {
  floods: readonly FloodRun[]
  tenants: readonly string[]
  phases: readonly PhaseRun[]
  trickleRate: number
  phaseSeconds: number
}): ReportSection[] {
  return [
    floodSection(options.floods, options.tenants),
    phaseSection(options.phases, options.trickleRate, options.phaseSeconds),
    adminSection(options.phases.flatMap((phase) => phase.admin)),
  ]
}
