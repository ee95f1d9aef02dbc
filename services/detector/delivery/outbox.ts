import type { Registry } from 'prom-client'
import { Alert } from '../../../schemas/alert.js'
import { SEVERITY_RANK } from '../../../schemas/rules.js'
import type { Store } from '../../platform/clickhouse.js'
import { healthy, unhealthy, type Health } from '../../platform/health.js'
import type { Logger } from '../../platform/logger.js'
import { DEFAULT_BACKOFF, planAfterFailure, type BackoffOptions } from './backoff.js'
import { deliveriesTable, type DeliveryRow } from './deliveries.js'
import { DeliveryError } from './errors.js'
import { deliveryId, renderWebhook, toIso, validateWebhooks, type WebhookConfig } from './formats.js'
import { deliveryMetrics, type DeliveryOutcome } from './metrics.js'
import { parseAllowList } from './ssrf.js'
import { createHttpTransport, DEFAULT_TIMEOUT_MS } from './transport.js'

/**
 * The webhook outbox. `enqueue` records one `alert_deliveries` row per interested webhook (the
 * alert itself as payload); a loop takes due rows, renders and posts them, and records the
 * outcome as a new row version: delivered, pending again after a backoff, dead, or disabled.
 * Delivery is at least once (a crash between the POST and its record sends again); receivers
 * deduplicate with the stable `webhook-id` / PagerDuty `dedup_key`.
 *
 * The payload is the alert, rendered at each attempt, rather than the rendered body: a PagerDuty
 * body carries the routing key, which must not sit in a table the console reads, and rendering is
 * deterministic (the body's timestamps come from the alert), so retries still send the same bytes.
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
  enqueue(alert: Alert): Promise<void>
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A row's next version: versions of one row must grow strictly, whatever the clock does. */
function nextVersion(row: DeliveryRow, changes: Partial<DeliveryRow>, now: Date): DeliveryRow {
  return { ...row, ...changes, updated_at: new Date(Math.max(now.getTime(), row.updated_at.getTime() + 1)) }
}

export function createDeliveryOutbox(options: DeliveryOutboxOptions): DeliveryOutbox {
  validateWebhooks(options.webhooks)
  const allowList = parseAllowList(options.allowPrivateNetworks)
  const maxAttempts = options.maxAttempts ?? 8
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff }
  const pollMs = options.pollMs ?? 1_000
  const batchSize = options.batchSize ?? 100
  const transport = createHttpTransport({ allowList, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS })
  const table = deliveriesTable(options.store)
  const metrics = deliveryMetrics(options.registry)
  const log = options.logger.child({ component: 'alert-delivery' })
  const webhooks = new Map(options.webhooks.map((webhook) => [webhook.name, webhook]))
  /** Only the host reaches logs: Slack, Teams and PagerDuty URLs carry credentials in the path. */
  const hosts = new Map(options.webhooks.map((webhook) => [webhook.name, new URL(webhook.url).host]))
  /** Webhooks that answered 410 Gone, with the reason; for this process's lifetime. */
  const disabled = new Map<string, string>()
  /** A webhook that failed with a retryable error is not tried again (for any alert) before this. */
  const notBefore = new Map<string, number>()
  let running = false
  let loop: Promise<void> | undefined
  /** Ends the loop's current sleep (an enqueue wants its delivery now, not after pollMs). */
  let wake: (() => void) | undefined
  // An enqueue during a delivery pass must not wait a whole poll: the next sleep returns at once.
  let wakeRequested = false
  let passStartedAt: number | undefined
  let lastPassError: string | undefined
  const stuckAfterMs = options.stuckAfterMs ?? 5 * 60_000

  function count(webhook: string, format: string, outcome: DeliveryOutcome): void {
    metrics.deliveries.inc({ webhook, format, outcome })
  }

  async function enqueueNow(alert: Alert): Promise<void> {
    const targets = options.webhooks.filter(
      (webhook) => SEVERITY_RANK[alert.rule.severity] >= SEVERITY_RANK[webhook.minSeverity],
    )
    if (targets.length === 0) return
    const ids = new Map(targets.map((webhook) => [webhook.name, deliveryId(alert.alert_id, webhook.name)]))
    const existing = await table.statuses([...ids.values()])
    const now = new Date()
    // The first version's updated_at is the alert's creation time: a duplicate insert of it can
    // never outrank a later attempt's version, and created_at keeps all versions in one partition.
    const createdMs = Date.parse(toIso(alert.created_at))
    const createdAt = Number.isNaN(createdMs) ? now : new Date(createdMs)
    const payload = JSON.stringify(withConsoleLink(alert, options.consoleUrl))
    const rows: DeliveryRow[] = []
    for (const webhook of targets) {
      const id = ids.get(webhook.name)!
      const known = existing.get(id)
      if (known) {
        log.debug(
          { delivery_id: id, alert_id: alert.alert_id, webhook: webhook.name, status: known },
          'alert_delivery_exists',
        )
        continue
      }
      const disabledReason = disabled.get(webhook.name)
      rows.push({
        delivery_id: id,
        alert_id: alert.alert_id,
        tenant_id: alert.tenant_id,
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
    if (rows.some((row) => row.status === 'pending')) {
      wakeRequested = true
      wake?.()
    }
  }

  async function record(row: DeliveryRow, changes: Partial<DeliveryRow>, now: Date): Promise<void> {
    await table.insert([nextVersion(row, changes, now)])
  }

  /** One attempt of one due row, and the record of what came of it. */
  async function attempt(row: DeliveryRow): Promise<void> {
    const webhook = webhooks.get(row.webhook)
    const context = { delivery_id: row.delivery_id, alert_id: row.alert_id, webhook: row.webhook }
    const startedAt = new Date()
    if (!webhook) {
      const lastError = `webhook "${row.webhook}" is no longer configured (alerts.webhooks)`
      await record(row, { status: 'dead', last_error: lastError }, startedAt)
      count(row.webhook, row.format, 'dead')
      log.error(context, 'alert_delivery_dead')
      return
    }
    const host = hosts.get(webhook.name)
    const disabledReason = disabled.get(webhook.name)
    if (disabledReason !== undefined) {
      await record(row, { status: 'disabled', last_error: disabledReason }, startedAt)
      count(webhook.name, webhook.format, 'disabled')
      return
    }
    const parsed = Alert.safeParse(parseJson(row.payload))
    if (!parsed.success) {
      await record(
        row,
        { status: 'dead', last_error: `the stored alert is not valid: ${parsed.error.message}` },
        startedAt,
      )
      count(webhook.name, webhook.format, 'dead')
      log.error({ ...context, host }, 'alert_delivery_dead')
      return
    }

    const rendered = renderWebhook(parsed.data, webhook, startedAt)
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
      log.info({ ...context, host, attempts, status }, 'alert_delivered')
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
    if (plan.status === 'pending') log.warn(fields, 'alert_delivery_retry')
    else if (plan.status === 'disabled') log.error(fields, 'webhook_disabled')
    else log.error(fields, 'alert_delivery_dead')
  }

  async function flushOnce(): Promise<void> {
    const now = Date.now()
    const paused = [...notBefore].filter(([, until]) => until > now).map(([name]) => name)
    const rows = await table.due(new Date(now), batchSize, paused)
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
            log.error({ err, delivery_id: row.delivery_id, webhook: name }, 'alert_delivery_record_failed')
          }
        }
      }),
    )
    metrics.pending.set(await table.countPending())
  }

  // flushDue calls made during a pass share the next pass; passes never overlap.
  let tail: Promise<void> = Promise.resolve()
  let queued: Promise<void> | undefined
  function flushDue(): Promise<void> {
    if (queued) return queued
    const pass = tail.then(async () => {
      queued = undefined
      passStartedAt = Date.now()
      try {
        await flushOnce()
        lastPassError = undefined
      } catch (err) {
        lastPassError = err instanceof Error ? err.message : String(err)
        throw err
      } finally {
        passStartedAt = undefined
      }
    })
    queued = pass
    tail = pass.catch(() => undefined)
    return pass
  }

  let enqueueTail: Promise<void> = Promise.resolve()
  function enqueue(alert: Alert): Promise<void> {
    // One enqueue at a time, so two reports of one alert cannot both find no row and both insert.
    const run = enqueueTail.then(() => enqueueNow(alert))
    enqueueTail = run.catch(() => undefined)
    return run
  }

  function sleep(ms: number): Promise<void> {
    if (wakeRequested) {
      wakeRequested = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wake = undefined
        wakeRequested = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      wake = done
    })
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        await flushDue()
      } catch (err) {
        log.error({ err }, 'alert_delivery_poll_failed')
      }
      if (running) await sleep(pollMs)
    }
  }

  function health(): Health {
    if (passStartedAt !== undefined && Date.now() - passStartedAt > stuckAfterMs) {
      return unhealthy(`a delivery pass has run for ${Math.round((Date.now() - passStartedAt) / 1000)} s`)
    }
    if (lastPassError) return unhealthy(`the last delivery pass failed: ${lastPassError}`)
    return healthy
  }

  return {
    enqueue,
    flushDue,
    health,
    start() {
      if (running) return
      running = true
      log.info(
        { webhooks: options.webhooks.map((webhook) => webhook.name), poll_ms: pollMs },
        'alert_delivery_started',
      )
      loop = run()
    },
    async stop() {
      running = false
      wake?.()
      await loop
      loop = undefined
    },
  }
}
