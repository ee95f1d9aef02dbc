import { randomUUID } from 'node:crypto'
import type { AppConfig } from '../../schemas/config.js'
import { RAW_ENVELOPE_VERSION, type RawEnvelope } from '../../schemas/raw-envelope.js'
import type { IHeaders, Kafka } from './kafka/client.js'
import { createProducer } from './kafka/producer.js'
import type { Logger } from './logger.js'

/** The server name under which mcp-audit records what its own users do (auditing the auditor). */
export const SELF_AUDIT_SERVER = 'mcp-audit'
/** The gateway name self-audit events carry (what tells them apart is their origin: SELF_AUDIT_HEADER). */
export const SELF_AUDIT_GATEWAY = 'mcp-audit-self'

/**
 * The Kafka header that marks a message as mcp-audit's own (`origin` `self` in `audit_events`).
 * Only the self-audit producer sets it: gateways reach the HTTP collector, never Kafka, and the
 * collector produces no such header. The DLQ and its replay keep a message's headers.
 */
export const SELF_AUDIT_HEADER = 'mcp_audit_origin'
const SELF_AUDIT_HEADER_VALUE = 'self'

/** Whether a raw-topic message was produced by mcp-audit's self-audit (see SELF_AUDIT_HEADER). */
export function isSelfAuditMessage(headers: IHeaders | undefined): boolean {
  const value = headers?.[SELF_AUDIT_HEADER]
  const first = Array.isArray(value) ? value[0] : value
  return first !== undefined && first.toString() === SELF_AUDIT_HEADER_VALUE
}

/**
 * The server name no gateway may use (the collector refuses such records), compared the way a
 * reader would: case and surrounding blanks make no other name.
 */
export function isReservedServerName(name: string): boolean {
  return name.trim().toLowerCase() === SELF_AUDIT_SERVER
}

/** One action taken through mcp-audit itself: a console API call, a report generated, downloaded or deleted. */
export interface SelfAuditEntry {
  tenantId: string
  /** What was done, dotted: `console.events.list`, `report.generate`, `report.download`, `report.delete`. */
  action: string
  /** Who did it: the token name, or `scheduler` for scheduled work. */
  actor: string
  /** Scope of the credential used (`read`, `admin`, `system`). */
  actorRole: string
  outcome: 'success' | 'error' | 'denied'
  /** What was acted on, such as `report:<id>` or `/api/v1/events`. */
  resource?: string
  sourceIp?: string
  userAgent?: string
  durationMs?: number
  /** Non-sensitive details (query parameters, formats); redacted downstream like any argument. */
  details?: Record<string, unknown>
}

export interface SelfAudit {
  /** Queues the entry; it is written to the raw topic like a gateway's event and stored by the normalizer. */
  record(entry: SelfAuditEntry): void
  /** Sends what is queued; resolves when Kafka acknowledged it. */
  flush(): Promise<void>
  stop(): Promise<void>
}

export function selfAuditEnvelope(entry: SelfAuditEntry, now = new Date()): RawEnvelope {
  const timestamp = now.toISOString()
  return {
    v: RAW_ENVELOPE_VERSION,
    tenant_id: entry.tenantId,
    gateway: SELF_AUDIT_GATEWAY,
    format: 'generic',
    received_at: timestamp,
    event: {
      event_id: randomUUID(),
      timestamp,
      method: 'tools/call',
      server: { name: SELF_AUDIT_SERVER, version: null, transport: 'http' },
      tool: entry.action,
      resource_uri: entry.resource ?? null,
      client: { name: 'mcp-audit-console', version: null },
      user: { id: entry.actor, roles: [entry.actorRole], auth_method: 'bearer' },
      source_ip: entry.sourceIp ?? null,
      user_agent: entry.userAgent ?? null,
      arguments: entry.details ?? {},
      status: entry.outcome,
      decision: entry.outcome === 'denied' ? 'deny' : 'allow',
      duration_ms: entry.durationMs ?? null,
      attributes: { self_audit: true },
    },
  }
}

/**
 * Self-audit through Kafka: entries are batched for up to `lingerMs` and produced with the platform
 * producer (acks=all) to the raw topic, so they reach `audit_events` through the same redaction and dedup path as gateway
 * traffic. A failed send is logged and retried with the next batch; entries are bounded in memory.
 */
export function createKafkaSelfAudit(
  kafka: Kafka,
  config: Pick<AppConfig, 'kafka'>,
  logger: Logger,
  { lingerMs = 200, maxQueued = 10_000 }: { lingerMs?: number; maxQueued?: number } = {},
): SelfAudit {
  const log = logger.child({ component: 'self-audit' })
  const topic = config.kafka.topics.raw
  // Connects on the first send: a console that nobody calls never opens a connection.
  const producer = createProducer(kafka)
  let queue: RawEnvelope[] = []
  let timer: NodeJS.Timeout | undefined
  let sending: Promise<void> = Promise.resolve()
  let stopped = false

  async function send(): Promise<void> {
    timer = undefined
    const batch = queue
    queue = []
    if (batch.length === 0) return
    try {
      await producer.send([
        {
          topic,
          messages: batch.map((envelope) => ({
            key: envelope.tenant_id,
            value: JSON.stringify(envelope),
            headers: { [SELF_AUDIT_HEADER]: SELF_AUDIT_HEADER_VALUE },
          })),
        },
      ])
    } catch (err) {
      log.warn({ err, entries: batch.length }, 'self_audit_send_failed')
      queue = [...batch, ...queue].slice(-maxQueued)
      if (!stopped) schedule()
    }
  }

  function schedule(): void {
    timer ??= setTimeout(() => {
      sending = sending.then(send)
    }, lingerMs)
  }

  return {
    record(entry) {
      if (stopped) return
      if (queue.length >= maxQueued) {
        log.warn({ max_queued: maxQueued }, 'self_audit_queue_full')
        queue.shift()
      }
      queue.push(selfAuditEnvelope(entry))
      schedule()
    },
    async flush() {
      if (timer) {
        clearTimeout(timer)
        timer = undefined
      }
      sending = sending.then(send)
      await sending
    },
    async stop() {
      await this.flush()
      stopped = true
      if (timer) clearTimeout(timer)
      await producer.disconnect()
    },
  }
}

/** For commands that run without Kafka (an on-demand report from the CLI): entries are logged only. */
export function createLoggingSelfAudit(logger: Logger): SelfAudit {
  const log = logger.child({ component: 'self-audit' })
  return {
    record(entry) {
      log.info({ action: entry.action, actor: entry.actor, tenant_id: entry.tenantId }, 'self_audit_entry')
    },
    flush: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  }
}
