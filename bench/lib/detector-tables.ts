import os from 'node:os'
import type { AppConfig } from '../../schemas/config.js'
import type { WebhookArrival } from './detector-endpoints.js'
import { MATCH_RULE, type MatchPhase, type MatchStages } from './detector-match.js'
import type { CatchUpRun } from './detector-catchup.js'
import { TEMPLATE_ROWS, WINDOW_RULE, type WindowRun } from './detector-window.js'
import type { ResourceUse } from './probes.js'
import type { ReportSection } from './report.js'
import { formatMs, percentile } from './stats.js'

/** The results of the detector benchmark, and how they are laid out in BENCHMARKS.md. */

export interface DetectorResults {
  config: AppConfig
  match: MatchPhase[]
  /** Webhooks for rules other than the probes' during the match phases (background traffic, scheduler). */
  otherWebhooks: readonly WebhookArrival[]
  windows: WindowRun[]
  /** CPU over the threshold part (row building and inserts included). */
  thresholdResources: ResourceUse
  /** New incidents over the run: `alert_fired` lines, and rows in the alerts table (FINAL). */
  alerts: { fired: number; stored: number }
  catchUp: CatchUpRun
  /** The old path timed on every n-th bucket only (quick runs). */
  sampleEvery: number
}

const STAGES: ReadonlyArray<[keyof MatchStages, string]> = [
  ['accept', 'POST → 202 (collector: validate, Kafka acks=all)'],
  ['store', '202 → row stored (Kafka fetch, normalizer buffer, insert)'],
  ['detect', 'row stored → alert row written (match rules, incident lookup, insert)'],
  [
    'deliver',
    'alert written → webhook received (outbox row, delivery loop, signed POST; below zero when the webhook came first)',
  ],
  ['total', 'total: POST → verified webhook'],
]

const count = (value: number) => value.toLocaleString('en-US')
const cores = (value: number) => `${value.toFixed(2)} cores`

/** What the CPU did over a phase; "other processes" is the noise (other test suites, the OS). */
function cpu(resources: ResourceUse): string {
  return `this process ${cores(resources.ownCores)}, broker ${cores(resources.brokerCores)}, other processes ${cores(resources.otherCores)}`
}

/** The outbox's default poll interval (services/webhooks/outbox.ts, poll-loop.ts; not in the config). */
const OUTBOX_POLL_MS = 1_000

/** How many probes' delivery took most of a poll interval: the lost wake-ups. */
function lostWakeUps(match: readonly MatchPhase[]): string {
  const counts = match.map((phase) => {
    const slow = phase.samples.filter((sample) => sample.deliver >= OUTBOX_POLL_MS * 0.9).length
    return `${phase.label} ${slow} of ${phase.samples.length}`
  })
  return `Probes whose delivery took ${count(OUTBOX_POLL_MS * 0.9)} ms or more: ${counts.join(', ')}.`
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`

function spread(samples: readonly MatchStages[], stage: keyof MatchStages): string[] {
  const sorted = samples.map((sample) => sample[stage]).sort((a, b) => a - b)
  return [percentile(sorted, 50), percentile(sorted, 95), sorted.at(-1) ?? Number.NaN].map(formatMs)
}

function rulesOf(arrivals: readonly WebhookArrival[]): string {
  const byRule = new Map<string, number>()
  for (const arrival of arrivals) byRule.set(arrival.ruleId, (byRule.get(arrival.ruleId) ?? 0) + 1)
  return [...byRule].map(([rule, n]) => `${rule} ${n}`).join(', ')
}

function backgroundNote(phase: MatchPhase): string[] {
  const { background, backgroundStored } = phase
  if (!background) return []
  const http = background.http
  const caughtUp = backgroundStored
    ? ` audit_events held ${count(backgroundStored.rows)} of them ${seconds(backgroundStored.seconds * 1000)} after the load stopped; the threshold part starts then.`
    : ''
  return [
    `Background load: the traffic simulator (\`runSimulation\`, benign, generic format, one tenant) on a worker thread at ${count(background.targetRate)} calls/s; it sent ${count(background.events)} events in ${seconds(background.elapsedMs)} (${count(Math.round(background.eventsPerSecond))}/s), ${count(http?.accepted ?? 0)} accepted, ${count(http?.failed ?? 0)} failed, ${count(http?.retries ?? 0)} retried; request p50 ${formatMs(http?.latencyMs.p50 ?? Number.NaN)}, p99 ${formatMs(http?.latencyMs.p99 ?? Number.NaN)}; schedule lag at most ${formatMs(background.maxLagMs)}.${caughtUp}`,
  ]
}

function matchSection({ config, match, otherWebhooks }: DetectorResults): ReportSection {
  const notes = [
    `Probes measured: ${match.map((phase) => `${phase.label} ${phase.samples.length}`).join(', ')}, one at a time; every webhook's Standard Webhooks signature verified by the receiver.`,
    `Bounded by \`normalizer.batchMaxWaitMs\` (${count(config.normalizer.batchMaxWaitMs)} ms, default): a lone row waits that long in the writer's buffer (its timer checks every ${Math.min(250, config.normalizer.batchMaxWaitMs / 4)} ms) before the insert that runs the match rules, so "202 → row stored" cannot fall below it. The other stages take tens of milliseconds.`,
    `Delivery: an enqueue wakes the outbox's delivery loop in this process (as in \`mcp-audit start\`), so it does not wait for the poll interval (pollMs, ${count(OUTBOX_POLL_MS)} ms by default) — unless the alert is enqueued while a delivery pass is running: that wake-up is lost and the delivery waits a whole poll interval (services/webhooks/poll-loop.ts: \`wake\` is only set while the loop sleeps). ${lostWakeUps(match)} With the normalizer and the detector in separate processes (\`mcp-audit normalizer\` + \`mcp-audit detector\`), the normalizer enqueues match alerts and the detector's poll finds them: add up to ${count(OUTBOX_POLL_MS)} ms.`,
    ...match.flatMap(backgroundNote),
  ]
  notes.push(
    `CPU, in cores of ${os.availableParallelism()}: ${match.map((phase) => `${phase.label}: ${cpu(phase.resources)}`).join('; ')}.`,
    otherWebhooks.length === 0
      ? 'No webhook for any other rule arrived during these phases.'
      : `Other webhooks during these phases (background traffic and the scheduler's own ticks): ${rulesOf(otherWebhooks)}.`,
  )
  return {
    title: `Match rule (${MATCH_RULE}): event POSTed → signed webhook received`,
    description:
      "One path-traversal event at a time, each from its own user and session (the rule suppresses per user and server, so each opens an incident), POSTed by a gateway thread; timed until the SIEM thread receives the Standard Webhook naming it. Idle, then under benign background traffic. Stage boundaries: the 202, the normalizer's onRowsStored hook, the detector's alert_fired line, the webhook's arrival.",
    table: {
      headers: [
        'stage',
        ...match.flatMap((phase) => ['p50', 'p95', 'max'].map((p) => `${phase.label} ${p}`)),
      ],
      rows: STAGES.map(([stage, label]) => [
        label,
        ...match.flatMap((phase) => spread(phase.samples, stage)),
      ]),
      numeric: match.flatMap((_, phase) => [1, 2, 3].map((column) => phase * 3 + column)),
    },
    notes,
  }
}

function alertsNote({ alerts }: DetectorResults): string {
  const figures = `The detector fired ${count(alerts.fired)} incidents over the run (alert_fired lines, each delivered); the alerts table holds ${count(alerts.stored)} (FINAL).`
  if (alerts.stored >= alerts.fired) return figures
  return `${figures} The others were dropped as duplicate inserts: on the embedded store, an insert without a deduplication token takes the token of the session's previous insert (chDB keeps per-query settings; the normalizer's writer sets one on every insert), and \`alerts\` deduplicates inserts (non_replicated_deduplication_window). Their webhooks went out all the same.`
}

function thresholdSection(results: DetectorResults): ReportSection {
  const { config, windows, thresholdResources } = results
  return {
    title: `Threshold rule (${WINDOW_RULE}): scheduler tick → signed webhook received`,
    description: `Rows for one 5-minute bucket inserted into audit_events, then \`detector.scheduler.runOnce(bucket end + lagMs)\`: the tick that judges the bucket, every windowed rule of the pack (one bucket each), with a server failing half its calls in the bucket. Times from the tick's start.`,
    table: {
      headers: [
        'rows in the bucket',
        'rows in audit_events',
        'tick (runOnce)',
        'alert row written',
        'webhook received',
        'alerts from the tick',
      ],
      rows: windows.map((run) => [
        count(run.rows),
        count(run.tableRows),
        formatMs(run.tickMs),
        formatMs(run.alertWrittenMs),
        formatMs(run.webhookMs),
        run.candidates.map((c) => `${c.ruleId} ${c.candidates}`).join(', ') || 'none',
      ]),
      numeric: [0, 1, 2, 3, 4],
    },
    notes: [
      `Rows: ${count(TEMPLATE_ROWS)} calls of the traffic simulator (benign, one tenant) for the bucket, 60 of them to a server \`flaky-db\` failing every second call, through the collector's and the normalizer's CPU path (redaction included); larger buckets repeat them with other event ids, users and sessions. Inserted 10,000 per insert like the normalizer's writer (${windows.map((run) => `${count(run.rows)} rows in ${run.insertSeconds.toFixed(1)} s`).join(', ')}; not part of the timings). audit_events also holds the match phases' rows.`,
      'Bucket ends lie on 30-minute boundaries, so the 1-, 5-, 10- and 15-minute buckets of all windowed rules end together and the tick is the heaviest one; an untimed tick before it brings every rule to the minute before, as the ticks every intervalMs would have.',
      `Rules run one after another in pack order and ${WINDOW_RULE} comes first: its alert is written and delivered while later rules are still evaluated; the embedded store runs each query on the main thread, so the delivery's own queries and POST wait between them.`,
      `Config: \`detector.lagMs\` ${count(config.detector.lagMs)} ms and \`detector.intervalMs\` ${count(config.detector.intervalMs)} ms (defaults); the timer keeps ticking during the run but the timed buckets lie ahead of the wall clock, so it never judges them.`,
      `CPU over this part (row building and inserts included): ${cpu(thresholdResources)}.`,
      alertsNote(results),
    ],
  }
}

function querySection({ windows }: DetectorResults): ReportSection {
  const rules = windows[0]?.queries.map((query) => ({ id: query.ruleId, minutes: query.windowMinutes })) ?? []
  return {
    title: 'Windowed rules: one evaluation query per rule',
    description:
      "Each windowed rule's compiled SQL run alone on the bucket the timed tick judged, after the tick: the one-bucket query (evaluateWindow) / the range query on that bucket alone (evaluateWindows; a live tick runs the one-bucket query, catch-up ticks the range query); median of the repeats, candidates in brackets.",
    table: {
      headers: ['rule', 'window', ...windows.map((run) => `${count(run.rows)} rows in the bucket`)],
      rows: rules.map((rule) => [
        rule.id,
        `${rule.minutes} min`,
        ...windows.map((run) => {
          const query = run.queries.find((q) => q.ruleId === rule.id)
          if (!query) return '–'
          return `${formatMs(query.queryMs)} / ${formatMs(query.rangeQueryMs)}${query.candidates > 0 ? ` (${query.candidates})` : ''}`
        }),
      ]),
      numeric: windows.map((_, index) => index + 2),
    },
  }
}

function boundSection({ config, windows }: DetectorResults): ReportSection {
  const { lagMs, intervalMs } = config.detector
  return {
    title: `Threshold rule: when the webhook comes after the bucket ends`,
    description:
      "The bucket is due lagMs after it ends; the timer re-arms intervalMs after a tick finishes, so the tick that judges it starts within intervalMs plus one tick of that; the webhook follows the tick's start by (b).",
    table: {
      headers: ['', ...windows.map((run) => `${count(run.rows)} rows in the bucket`)],
      rows: [
        ['lagMs (default)', ...windows.map(() => formatMs(lagMs))],
        ['≤ intervalMs (default)', ...windows.map(() => formatMs(intervalMs))],
        ['≤ (a) the previous tick', ...windows.map((run) => formatMs(run.tickMs))],
        ['(b) tick start → webhook', ...windows.map((run) => formatMs(run.webhookMs))],
        [
          'webhook after the bucket end: at least (lagMs + b)',
          ...windows.map((run) => seconds(lagMs + run.webhookMs)),
        ],
        [
          'at most (lagMs + intervalMs + a + b)',
          ...windows.map((run) => seconds(lagMs + intervalMs + run.tickMs + run.webhookMs)),
        ],
      ],
      numeric: windows.map((_, index) => index + 1),
    },
    notes: [
      'The last event of a bucket can wait up to the whole window (5 min for this rule) before the bucket ends; the bound counts from the bucket end, as the rule can only judge a complete window.',
    ],
  }
}

/** Issue 19's goal for catching up a 25-hour day of every windowed rule. */
const CATCH_UP_GOAL_SECONDS = 30

function catchUpSection({ catchUp, sampleEvery }: DetectorResults): ReportSection {
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ')
  const { scheduler } = catchUp
  return {
    title: 'Windowed rules: catching up a 25-hour day',
    description:
      "Every windowed rule over every bucket of a stored 25-hour day: before, one query per bucket (evaluateWindow); after, one query per range of up to six hours of buckets (evaluateWindows, the scheduler's path). Same data, same run, candidates compared bucket for bucket.",
    table: {
      headers: [
        'rule',
        'step',
        'buckets',
        'before: queries',
        'before',
        'after: queries',
        'after',
        'buckets firing (candidates)',
      ],
      rows: [
        ...catchUp.rules.map((rule) => [
          rule.ruleId,
          `${rule.stepMinutes} min`,
          count(rule.buckets),
          count(rule.bucketQueries),
          seconds(rule.bucketSeconds * 1000),
          count(rule.rangeQueries),
          seconds(rule.rangeSeconds * 1000),
          `${count(rule.firing)} (${count(rule.candidates)})`,
        ]),
        [
          'all rules',
          '',
          count(catchUp.rules.reduce((sum, rule) => sum + rule.buckets, 0)),
          count(catchUp.rules.reduce((sum, rule) => sum + rule.bucketQueries, 0)),
          seconds(catchUp.bucketSeconds * 1000),
          count(catchUp.rules.reduce((sum, rule) => sum + rule.rangeQueries, 0)),
          seconds(catchUp.rangeSeconds * 1000),
          '',
        ],
      ],
      numeric: [2, 3, 4, 5, 6],
    },
    notes: [
      `Goal (issue 19): a 25-hour day caught up for all rules in under ${CATCH_UP_GOAL_SECONDS} s. The scheduler took ${seconds(scheduler.seconds * 1000)}: ${scheduler.seconds < CATCH_UP_GOAL_SECONDS ? 'met' : 'NOT MET'}; by range ${seconds(catchUp.rangeSeconds * 1000)} against ${seconds(catchUp.bucketSeconds * 1000)} bucket by bucket (×${(catchUp.bucketSeconds / catchUp.rangeSeconds).toFixed(1)} faster).`,
      `The scheduler catching up the day from no watermark (default maxWindowsPerTick and range, alerts recorded and announced as in production, rules renamed so they have watermarks and alerts of their own): **${seconds(scheduler.seconds * 1000)}** in ${scheduler.ticks} ticks, ${count(scheduler.windows)} buckets, ${count(scheduler.candidates)} candidates, ${count(scheduler.alerts)} new alerts.`,
      `Day: ${count(catchUp.dayRows)} rows (the threshold part's simulator templates, thinned, every 5 minutes; the failing server's calls in full; the gateway silent for the day's last 45 to 5 minutes), inserted in ${catchUp.insertSeconds.toFixed(1)} s, three days before the run.`,
      sampleEvery > 1
        ? `"before" timed on every ${sampleEvery}th bucket and multiplied by ${sampleEvery} (to keep the run short); candidates compared on those buckets.`
        : 'Candidates compared on every bucket.',
      `Load average (1, 5, 15 min) before the timed part ${load(catchUp.loadBefore)}, after ${load(catchUp.loadAfter)}, on a machine shared with other work.`,
    ],
  }
}

export function detectorSections(results: DetectorResults): ReportSection[] {
  return [
    matchSection(results),
    thresholdSection(results),
    querySection(results),
    boundSection(results),
    catchUpSection(results),
  ]
}
