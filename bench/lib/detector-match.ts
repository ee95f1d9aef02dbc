import type { SimulationSummary } from '../../services/simulator/index.js'
import { TENANT_ID, type Rig } from './detector-rig.js'
import { ResourceProbe, type ResourceUse } from './probes.js'
import type { BenchmarkContext } from './report.js'

/**
 * The match rule measurement: one path-traversal event at a time, each from a user and session of
 * its own (the rule suppresses per tenant, user and server, so every probe opens its own incident),
 * POSTed to the collector; timed until the SIEM receives the signed webhook that names it.
 */

export const MATCH_RULE = 'mcp-path-traversal'
const WEBHOOK_TIMEOUT_MS = 20_000

/** Milliseconds from one point of a probe's way to the next. */
export interface MatchStages {
  /** POST sent → 202 (validated, acknowledged by Kafka). */
  accept: number
  /** 202 → the row's insert returned (Kafka fetch, normalizer buffer, insert). */
  store: number
  /** Row stored → alert row written (match rules, incident lookup, alert insert). */
  detect: number
  /** Alert row written → webhook received (outbox row, delivery loop, signed POST). */
  deliver: number
  /** POST sent → webhook received. */
  total: number
}

export interface MatchPhase {
  label: string
  samples: MatchStages[]
  problems: string[]
  /** CPU over the phase: this process, the broker, other processes. */
  resources: ResourceUse
  /** The simulator's report, for the phase under background load. */
  background?: SimulationSummary
  /** Background rows in audit_events once the normalizer caught up, and how long after the load stopped. */
  backgroundStored?: { rows: number; seconds: number }
}

function probeEvent(id: string, index: number): Record<string, unknown> {
  return {
    event_id: id,
    timestamp: new Date().toISOString(),
    method: 'tools/call',
    server: { name: 'filesystem', version: '1.2.0', transport: 'stdio' },
    tool: 'read_file',
    session_id: `${id}-session`,
    request_id: String(index),
    client: { name: 'claude-desktop', version: '0.13.4' },
    user: { id: `${id}@example.com`, roles: ['analyst'], auth_method: 'oauth2' },
    arguments: { path: '../../../etc/passwd' },
    status: 'success',
    result: { content: [{ type: 'text', text: 'no such file or directory' }], isError: false },
    duration_ms: 4,
  }
}

const SEEN_TIMEOUT_MS = 10_000

/**
 * The alert store announces an alert (outbox, webhook) before it writes the row and logs
 * `alert_fired` (services/detector/alerts.ts), so a webhook may arrive first: wait for the mark.
 */
async function seen(mark: () => number | undefined): Promise<number | undefined> {
  const began = performance.now()
  for (;;) {
    const at = mark()
    if (at !== undefined || performance.now() - began > SEEN_TIMEOUT_MS) return at
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function probeOnce(rig: Rig, id: string, index: number): Promise<MatchStages | string> {
  rig.watch(id)
  const answer = await rig.endpoints.probe(rig.collector, id, JSON.stringify(probeEvent(id, index)))
  if (answer.status !== 202) return `${id}: the collector answered ${answer.status} ${answer.detail ?? ''}`
  const arrival = await rig.endpoints.webhook(
    (candidate) => candidate.ruleId === MATCH_RULE && candidate.sampleEventIds.includes(id),
    WEBHOOK_TIMEOUT_MS,
  )
  if (!arrival) return `${id}: no ${MATCH_RULE} webhook within ${WEBHOOK_TIMEOUT_MS / 1000} s`
  if (!arrival.verified) return `${id}: webhook signature not verified (${arrival.reason ?? ''})`
  const storedAt = await seen(() => rig.storedAt.get(id))
  const writtenAt = await seen(() => rig.alertWrittenAt.get(arrival.alertId))
  if (storedAt === undefined || writtenAt === undefined) {
    return `${id}: webhook received but the ${storedAt === undefined ? 'stored row' : 'alert_fired line'} was not seen`
  }
  return {
    accept: answer.answeredAt - answer.sentAt,
    store: storedAt - answer.answeredAt,
    detect: writtenAt - storedAt,
    deliver: arrival.receivedAt - writtenAt,
    total: arrival.receivedAt - answer.sentAt,
  }
}

/** `warmup` probes (not counted), then `count` probes one after another, or fewer if `deadline` (epoch ms) comes first. */
async function probes(
  rig: Rig,
  phase: string,
  plan: { count: number; warmup: number; deadline?: number },
): Promise<{ samples: MatchStages[]; problems: string[] }> {
  const samples: MatchStages[] = []
  const problems: string[] = []
  for (let index = 0; index < plan.warmup + plan.count; index++) {
    if (plan.deadline !== undefined && Date.now() > plan.deadline) break
    const result = await probeOnce(rig, `probe-${rig.suffix}-${phase}-${index}`, index)
    if (typeof result === 'string') problems.push(result)
    else if (index >= plan.warmup) samples.push(result)
  }
  if (samples.length < plan.count)
    problems.push(`${phase}: ${samples.length} of ${plan.count} probes measured`)
  return { samples, problems }
}

const CATCH_UP_TIMEOUT_MS = 60_000

/** Waits until audit_events holds `expected` rows that are not probes (the normalizer caught up). */
async function catchUp(rig: Rig, expected: number): Promise<{ rows: number; seconds: number }> {
  const began = performance.now()
  let rows = 0
  while (performance.now() - began < CATCH_UP_TIMEOUT_MS) {
    const result = await rig.store.client.query({
      query: `SELECT count() AS n FROM ${rig.store.database}.audit_events WHERE NOT startsWith(event_id, 'probe-')`,
      format: 'JSONEachRow',
    })
    rows = Number((await result.json<{ n: string }>())[0]?.n ?? 0)
    if (rows >= expected) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { rows, seconds: (performance.now() - began) / 1000 }
}

export interface MatchPlan {
  probes: number
  warmup: number
  /** Background traffic: generic events per second from the simulator. */
  backgroundRate: number
  /** Background traffic runs this long before the first probe. */
  backgroundWarmupMs: number
  /** Time box of the loaded phase. */
  loadedMaxMs: number
}

export async function idlePhase(ctx: BenchmarkContext, rig: Rig, plan: MatchPlan): Promise<MatchPhase> {
  ctx.progress(`match rule, idle: ${plan.probes} probes one after another`)
  const probe = new ResourceProbe(rig.brokerPid)
  const { samples, problems } = await probes(rig, 'idle', { count: plan.probes, warmup: plan.warmup })
  return { label: 'idle', samples, problems, resources: probe.read() }
}

export async function loadedPhase(ctx: BenchmarkContext, rig: Rig, plan: MatchPlan): Promise<MatchPhase> {
  ctx.progress(
    `match rule under background load: simulator at ${plan.backgroundRate.toLocaleString('en-US')} events/s, ${plan.probes} probes`,
  )
  const started = Date.now()
  const probe = new ResourceProbe(rig.brokerPid)
  rig.background.start({
    url: rig.collector.url,
    token: rig.collector.token,
    tenantId: TENANT_ID,
    rate: plan.backgroundRate,
    maxSeconds: Math.ceil((plan.loadedMaxMs + 30_000) / 1000),
    seed: `bench-detector-${rig.suffix}`,
  })
  await new Promise((resolve) => setTimeout(resolve, plan.backgroundWarmupMs))
  const { samples, problems } = await probes(rig, 'loaded', {
    count: plan.probes,
    warmup: 0,
    deadline: started + plan.loadedMaxMs,
  })
  const resources = probe.read()
  const background = await rig.background.stop()
  const failed = background.http?.failed ?? 0
  if (failed > 0) problems.push(`background traffic: ${failed} requests failed`)
  const accepted = background.http?.accepted ?? 0
  const backgroundStored = await catchUp(rig, accepted)
  if (backgroundStored.rows !== accepted) {
    problems.push(`background traffic: ${backgroundStored.rows} of ${accepted} accepted events stored`)
  }
  return { label: 'under load', samples, problems, resources, background, backgroundStored }
}
