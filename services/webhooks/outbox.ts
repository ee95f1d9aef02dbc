import type { Registry } from 'prom-client'
import type { Alert } from '../../schemas/alert.js'
import type { IntegrityAnchor } from '../../schemas/integrity-anchor.js'
import { SEVERITY_RANK } from '../../schemas/rules.js'
import { webhookReceivesTenant, type WebhookConfig } from '../../schemas/webhooks.js'
import type { Store } from '../platform/clickhouse.js'
import { healthy, unhealthy, type Health } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import type { DeliveryRow } from '../platform/store/alert-deliveries.js'
import { nextVersion } from '../platform/store/version.js'
import { DEFAULT_BACKOFF, planAfterFailure, type BackoffOptions } from './backoff.js'
import { deliveriesTable } from './deliveries.js'
import { DeliveryError } from './errors.js'
import { renderWebhook, supportsFormat } from './formats.js'
import { toIso } from './formats/common.js'
import {
  deliveryId,
  MESSAGE_TYPES,
  messageSubject,
  parseStoredMessage,
  type MessageType,
  type ReportReady,
  type WebhookMessage,
} from './messages.js'
import { deliveryMetrics, type DeliveryOutcome } from './metrics.js'
import { createPollLoop } from './poll-loop.js'
import { parseAllowList } from './ssrf.js'
import { createHttpTransport, DEFAULT_TIMEOUT_MS } from './transport.js'

/**
 * The webhook outbox, for alerts, report notices and integrity anchors alike. An enqueue records one
 * `alert_deliveries` row per target webhook (the message's data as payload); a loop takes due
 * rows, renders and posts them, and records the outcome as a new row version: delivered, pending
 * again after a backoff with jitter, dead, or disabled. The rows outlive a restart. Delivery is at
 * least once (a crash between the POST and its record sends again); receivers deduplicate with
 * the stable `webhook-id` / PagerDuty `dedup_key`.
 *
 * The payload is the data, rendered at each attempt, rather than the rendered body: a PagerDuty
 * body carries the routing key, which must not sit in a table the console reads, and rendering is
 * deterministic (the body's timestamps come from the data), so retries still send the same bytes.
 */

export interface DeliveryOutboxOptions {
  store: Store
  webhooks: readonly WebhookConfig[]
  /** `alerts.allowPrivateNetworks`: CIDRs webhooks may reach although private or loopback. */
  allowPrivateNetworks: readonly string[]
  /** Base for alert links that are relative (absolute links are kept). */
  consoleUrl?: string
  logger: Logger
  registry: Registry
  /**
   * The message types this outbox's loop delivers (default: all). A service delivers what it
   * enqueues, so a detector and a reporter in separate processes never both take one row.
   */
  delivers?: readonly MessageType[]
  /** Attempts in all, the first included, before a delivery is dead. */
  maxAttempts?: number
  backoff?: Partial<BackoffOptions>
  /** How often due deliveries are looked for (an enqueue also wakes the loop). */
  pollMs?: number
  /** Deadline of one attempt: DNS, connect, answer. */
  timeoutMs?: number
  /** Due deliveries taken per poll. */
  batchSize?: number
  /** A delivery pass running longer than this counts as a stuck outbox on `/readyz`. */
  stuckAfterMs?: number
}

export interface DeliveryOutbox {
  /** An alert, to every webhook that receives its tenant and whose `minSeverity` it reaches. */
  enqueueAlert(alert: Alert): Promise<void>
  /**
   * A report notice, to the named webhooks (a schedule's `deliver`) that receive its tenant and
   * whose format has a form of it.
   */
  enqueueReport(report: ReportReady, webhookNames: readonly string[]): Promise<void>
  /**
   * An anchor of a tenant's seal chains, to the named webhooks (`integrity.anchor.webhooks`) that
   * receive its tenant; an anchor with the same heads as one already queued is not queued again.
   */
  enqueueAnchor(anchor: IntegrityAnchor, webhookNames: readonly string[]): Promise<void>
  start(): void
  stop(): Promise<void>
  /** One pass over the deliveries due now (the loop calls it; tests call it directly). */
  flushDue(): Promise<void>
  /** Unhealthy while a pass runs too long, or after a pass that could not read the outbox. */
  health(): Health
}

function withConsoleLink(alert: Alert, consoleUrl: string | undefined): Alert {
  if (!consoleUrl || /^https?:\/\//i.test(alert.url)) return alert
  return {
    ...alert,
    url: new URL(alert.url, consoleUrl.endsWith('/') ? consoleUrl : `${consoleUrl}/`).toString(),
  }
}

/** Per message type: the field that names its subject in logs, and the log line of each outcome. */
const LOGS = {
  'alert.fired': {
    subject: 'alert_id',
    delivered: 'alert_delivered',
    retry: 'alert_delivery_retry',
    dead: 'alert_delivery_dead',
  },
  'report.ready': {
    subject: 'report_id',
    delivered: 'report_notification_delivered',
    retry: 'report_notification_retry',
    dead: 'report_notification_dead',
  },
  'integrity.anchor': {
    subject: 'anchor_id',
    delivered: 'integrity_anchor_delivered',
    retry: 'integrity_anchor_retry',
    dead: 'integrity_anchor_dead',
  },
} as const

function logsOf(type: string): (typeof LOGS)[MessageType] {
  return Object.hasOwn(LOGS, type) ? LOGS[type as MessageType] : LOGS['alert.fired']
}

export function createDeliveryOutbox(options: DeliveryOutboxOptions): DeliveryOutbox {
  const delivers = options.delivers ?? MESSAGE_TYPES
  const allowList = parseAllowList(options.allowPrivateNetworks)
  const maxAttempts = options.maxAttempts ?? 8
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff }
  const pollMs = options.pollMs ?? 1_000
  const batchSize = options.batchSize ?? 100
  const transport = createHttpTransport({ allowList, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS })
  const table = deliveriesTable(options.store)
  const metrics = deliveryMetrics(options.registry)
  const log = options.logger.child({ component: 'webhook-outbox' })
  const webhooks = new Map(options.webhooks.map((webhook) => [webhook.name, webhook]))
  /** Only the host reaches logs: Slack, Teams and PagerDuty URLs carry credentials in the path. */
  const hosts = new Map(options.webhooks.map((webhook) => [webhook.name, new URL(webhook.url).host]))
  /** Webhooks that answered 410 Gone, with the reason; for this process's lifetime. */
  const disabled = new Map<string, string>()
  /** A webhook that failed with a retryable error is not tried again (for any alert) before this. */
  const notBefore = new Map<string, number>()
  const stuckAfterMs = options.stuckAfterMs ?? 5 * 60_000

  function count(webhook: string, format: string, outcome: DeliveryOutcome): void {
    metrics.deliveries.inc({ webhook, format, outcome })
  }

  async function enqueueNow(message: WebhookMessage, targets: readonly WebhookConfig[]): Promise<void> {
    if (targets.length === 0) return
    const subject = messageSubject(message)
    const ids = new Map(targets.map((webhook) => [webhook.name, deliveryId(subject.id, webhook.name)]))
    const existing = await table.statuses([...ids.values()])
    const now = new Date()
    // The first version's updated_at is the subject's creation time: a duplicate insert of it can
    // never outrank a later attempt's version, and created_at keeps all versions in one partition.
    const createdMs = Date.parse(toIso(subject.createdAt))
    const createdAt = Number.isNaN(createdMs) ? now : new Date(createdMs)
    const payload = JSON.stringify(message.data)
    const rows: DeliveryRow[] = []
    for (const webhook of targets) {
      const id = ids.get(webhook.name)!
      const known = existing.get(id)
      if (known) {
        log.debug(
          {
            delivery_id: id,
            [logsOf(message.type).subject]: subject.id,
            webhook: webhook.name,
            status: known,
          },
          'webhook_delivery_exists',
        )
        continue
      }
      const disabledReason = disabled.get(webhook.name)
      rows.push({
        delivery_id: id,
        alert_id: subject.id,
        message_type: message.type,
        tenant_id: subject.tenantId,
        webhook: webhook.name,
        format: webhook.format,
        status: disabledReason === undefined ? 'pending' : 'disabled',
        attempts: 0,
        next_attempt_at: now,
        last_status_code: null,
        last_error: disabledReason ?? '',
        payload,
        created_at: createdAt,
        updated_at: createdAt,
      })
    }
    await table.insert(rows)
    for (const row of rows) if (row.status === 'disabled') count(row.webhook, row.format, 'disabled')
    if (delivers.includes(message.type) && rows.some((row) => row.status === 'pending')) loop.wake()
  }

  function alertTargets(alert: Alert): WebhookConfig[] {
    return options.webhooks.filter(
      (webhook) =>
        webhookReceivesTenant(webhook, alert.tenant_id) &&
        SEVERITY_RANK[alert.rule.severity] >= SEVERITY_RANK[webhook.minSeverity],
    )
  }

  /** Why a notice cannot go to this webhook (its log line), or undefined when it can. */
  function noticeRefusal(
    type: 'report.ready' | 'integrity.anchor',
    tenantId: string,
    webhook: WebhookConfig | undefined,
  ): string | undefined {
    const prefix = type === 'report.ready' ? 'report_notification' : 'integrity_anchor'
    if (!webhook) return `${prefix}_webhook_unknown`
    if (!webhookReceivesTenant(webhook, tenantId)) return `${prefix}_tenant_not_received`
    if (!supportsFormat(type, webhook.format)) return `${prefix}_format_unsupported`
    return undefined
  }

  /** The named webhooks that can take a report notice or an anchor of this tenant. */
  function noticeTargets(
    message: Extract<WebhookMessage, { type: 'report.ready' | 'integrity.anchor' }>,
    webhookNames: readonly string[],
  ): WebhookConfig[] {
    const subject = messageSubject(message)
    return webhookNames.flatMap((name) => {
      const webhook = webhooks.get(name)
      const refusal = noticeRefusal(message.type, subject.tenantId, webhook)
      if (webhook && refusal === undefined) return [webhook]
      // An anchor goes only to the webhooks that receive its tenant: the others are no surprise.
      if (refusal?.endsWith('_tenant_not_received') && message.type === 'integrity.anchor') return []
      log.warn(
        {
          webhook: name,
          format: webhook?.format,
          [logsOf(message.type).subject]: subject.id,
          tenant_id: subject.tenantId,
        },
        refusal,
      )
      return []
    })
  }

  async function record(row: DeliveryRow, changes: Partial<DeliveryRow>, now: Date): Promise<void> {
    await table.insert([{ ...row, ...changes, updated_at: nextVersion(row.updated_at, now) }])
  }

  async function giveUp(row: DeliveryRow, lastError: string, at: Date): Promise<void> {
    await record(row, { status: 'dead', last_error: lastError }, at)
    count(row.webhook, row.format, 'dead')
    const logs = logsOf(row.message_type)
    const context = { delivery_id: row.delivery_id, [logs.subject]: row.alert_id, webhook: row.webhook }
    log.error({ ...context, reason: lastError }, logs.dead)
  }

  /** One attempt of one due row, and the record of what came of it. */
  async function attempt(row: DeliveryRow): Promise<void> {
    const webhook = webhooks.get(row.webhook)
    const logs = logsOf(row.message_type)
    const context = { delivery_id: row.delivery_id, [logs.subject]: row.alert_id, webhook: row.webhook }
    const startedAt = new Date()
    if (!webhook) {
      await giveUp(row, `webhook "${row.webhook}" is no longer configured (alerts.webhooks)`, startedAt)
      return
    }
    if (!webhookReceivesTenant(webhook, row.tenant_id)) {
      // Queued before the webhook's tenants changed: the rows outlive a restart, the old scope does not.
      const reason = `webhook "${webhook.name}" no longer receives tenant "${row.tenant_id}" (alerts.webhooks[].tenants)`
      await giveUp(row, reason, startedAt)
      return
    }
    const host = hosts.get(webhook.name)
    const disabledReason = disabled.get(webhook.name)
    if (disabledReason !== undefined) {
      await record(row, { status: 'disabled', last_error: disabledReason }, startedAt)
      count(webhook.name, webhook.format, 'disabled')
      return
    }
    const parsed = parseStoredMessage(row.message_type, row.payload)
    if (parsed.kind === 'invalid') {
      await giveUp(row, parsed.reason, startedAt)
      return
    }
    const rendered = renderWebhook(parsed.message, webhook, startedAt)
    if (!rendered) {
      const reason = `webhook "${webhook.name}" is now of format ${webhook.format}, which has no form of ${row.message_type}`
      await giveUp(row, reason, startedAt)
      return
    }

    const attempts = row.attempts + 1
    const timer = metrics.seconds.startTimer({ webhook: webhook.name })
    let failure: DeliveryError | undefined
    let status: number | null = null
    try {
      status = (await transport.post({ url: webhook.url, body: rendered.body, headers: rendered.headers }))
        .status
    } catch (err) {
      failure =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(`sending to webhook ${host} failed: ${(err as Error).message}`, {
              failure: 'network',
              retryable: true,
              cause: err,
            })
      status = failure.status ?? null
    } finally {
      timer()
    }
    const now = new Date()
    if (!failure) {
      await record(row, { status: 'delivered', attempts, last_status_code: status, last_error: '' }, now)
      count(webhook.name, webhook.format, 'delivered')
      log.info({ ...context, host, attempts, status }, logs.delivered)
      return
    }

    const plan = planAfterFailure(failure, attempts, { maxAttempts, backoff }, now)
    if (plan.status === 'disabled') {
      disabled.set(webhook.name, `disabled at ${now.toISOString()}: ${failure.message}`)
    }
    if (plan.status === 'pending') notBefore.set(webhook.name, plan.nextAttemptAt.getTime())
    await record(
      row,
      {
        status: plan.status,
        attempts,
        next_attempt_at: plan.nextAttemptAt,
        last_status_code: status,
        last_error: plan.lastError,
      },
      now,
    )
    count(webhook.name, webhook.format, plan.outcome)
    const fields = { ...context, host, attempts, status, reason: plan.lastError }
    if (plan.status === 'pending') log.warn(fields, logs.retry)
    else if (plan.status === 'disabled') log.error(fields, 'webhook_disabled')
    else log.error(fields, logs.dead)
  }

  async function flushOnce(): Promise<void> {
    const now = Date.now()
    const paused = [...notBefore].filter(([, until]) => until > now).map(([name]) => name)
    const rows = await table.due(new Date(now), batchSize, delivers, paused)
    const byWebhook = new Map<string, DeliveryRow[]>()
    for (const row of rows) byWebhook.set(row.webhook, [...(byWebhook.get(row.webhook) ?? []), row])
    // Webhooks in parallel, one request at a time per webhook; a failing one pauses until its backoff.
    await Promise.all(
      [...byWebhook.entries()].map(async ([name, queue]) => {
        for (const row of queue) {
          if ((notBefore.get(name) ?? 0) > Date.now()) return
          try {
            await attempt(row)
          } catch (err) {
            log.error({ err, delivery_id: row.delivery_id, webhook: name }, 'webhook_delivery_record_failed')
          }
        }
      }),
    )
    metrics.pending.set(await table.countPending())
  }

  const loop = createPollLoop(flushOnce, pollMs, (err) => log.error({ err }, 'webhook_delivery_poll_failed'))

  let enqueueTail: Promise<void> = Promise.resolve()
  function enqueue(message: WebhookMessage, targets: readonly WebhookConfig[]): Promise<void> {
    // One enqueue at a time, so two reports of one subject cannot both find no row and both insert.
    const run = enqueueTail.then(() => enqueueNow(message, targets))
    enqueueTail = run.catch(() => undefined)
    return run
  }

  function health(): Health {
    const { passStartedAt, lastPassError } = loop.state()
    if (passStartedAt !== undefined && Date.now() - passStartedAt > stuckAfterMs) {
      return unhealthy(`a delivery pass has run for ${Math.round((Date.now() - passStartedAt) / 1000)} s`)
    }
    if (lastPassError) return unhealthy(`the last delivery pass failed: ${lastPassError}`)
    return healthy
  }

  return {
    enqueueAlert: (alert) =>
      enqueue({ type: 'alert.fired', data: withConsoleLink(alert, options.consoleUrl) }, alertTargets(alert)),
    enqueueReport: (report, webhookNames) => {
      const message = { type: 'report.ready' as const, data: report }
      return enqueue(message, noticeTargets(message, webhookNames))
    },
    enqueueAnchor: (anchor, webhookNames) => {
      const message = { type: 'integrity.anchor' as const, data: anchor }
      return enqueue(message, noticeTargets(message, webhookNames))
    },
    flushDue: () => loop.runPass(),
    health,
    start() {
      log.info(
        { webhooks: options.webhooks.map((webhook) => webhook.name), delivers, poll_ms: pollMs },
        'webhook_delivery_started',
      )
      loop.start()
    },
    stop: () => loop.stop(),
  }
}
