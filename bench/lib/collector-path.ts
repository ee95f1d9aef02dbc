import type { Message } from 'kafkajs'
import { GenericEvent } from '../../schemas/event.js'
import { prepareBody } from '../../services/collector/prepare.js'
import { buildReceipt } from '../../services/collector/receipts.js'

/**
 * The CPU work the collector does for one request body between reading it and handing it to the
 * producer (services/collector/prepare.ts, plus the receipt): parse, detect the format, adapt, validate, derive ids
 * and keys, build the receipt, serialise the envelopes.
 */

export interface PathContext {
  tenantId: string
  gateway: string
}

export interface ProducedMessages {
  events: Message[]
  receipt: Message
}

export function collectorPath(body: string, ctx: PathContext): ProducedMessages {
  const receivedAt = new Date().toISOString()
  const prepared = prepareBody({
    body: Buffer.from(body),
    contentType: 'application/json',
    ctx: { tenantId: ctx.tenantId, gateway: ctx.gateway, receivedAt },
  })
  if (prepared.kind === 'error') throw new Error(`benchmark body rejected: ${prepared.message}`)
  if (prepared.errors.length > 0)
    throw new Error(`benchmark event rejected: ${JSON.stringify(prepared.errors[0])}`)
  const receipt = buildReceipt(prepared.events, 0, { ...ctx, receivedAt })
  const headers = { tenant_id: ctx.tenantId, gateway: ctx.gateway }
  return {
    events: prepared.events.map(({ key, value }) => ({ key, value })),
    receipt: { key: ctx.tenantId, value: JSON.stringify(receipt), headers },
  }
}

/** Only JSON.parse and the GenericEvent schema: the floor of what any validating collector pays. */
export function parseAndValidate(body: string): number {
  const value: unknown = JSON.parse(body)
  const records: unknown[] = Array.isArray(value) ? value : [value]
  let valid = 0
  for (const record of records) if (GenericEvent.safeParse(record).success) valid++
  return valid
}

export interface CpuThroughput {
  parseValidateEventsPerSec: number
  collectorPathEventsPerSec: number
}

function eventsPerSecond(
  bodies: readonly string[],
  batch: number,
  durationMs: number,
  work: (body: string) => void,
) {
  const warmupEnd = performance.now() + Math.min(300, durationMs / 4)
  let index = 0
  while (performance.now() < warmupEnd) work(bodies[index++ % bodies.length]!)
  let events = 0
  const started = performance.now()
  const end = started + durationMs
  while (performance.now() < end) {
    work(bodies[index++ % bodies.length]!)
    events += batch
  }
  return (events / (performance.now() - started)) * 1000
}

/** Single-thread throughput of the CPU part, with nothing else running on this thread. */
export function cpuThroughput(
  bodies: readonly string[],
  batch: number,
  durationMs: number,
  ctx: PathContext,
): CpuThroughput {
  return {
    parseValidateEventsPerSec: eventsPerSecond(bodies, batch, durationMs, (body) => {
      parseAndValidate(body)
    }),
    collectorPathEventsPerSec: eventsPerSecond(bodies, batch, durationMs, (body) => {
      collectorPath(body, ctx)
    }),
  }
}
