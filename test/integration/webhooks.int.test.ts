import { createHmac, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { Registry } from 'prom-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../schemas/alert.js'
import type { WebhookConfig } from '../../schemas/webhooks.js'
import {
  createDeliveryOutbox,
  deliveryId,
  verifyStandardWebhook,
  type DeliveryOutbox,
  type DeliveryOutboxOptions,
  type DeliveryStatus,
} from '../../services/webhooks/index.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { openTestStore, queryRows, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * Webhook delivery end to end: the outbox on the embedded ClickHouse engine posting to a real HTTP
 * receiver on 127.0.0.1 (allow-listed as 127.0.0.0/8), which answers as each scenario scripts.
 */

interface Received {
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

interface Reply {
  status: number
  headers?: Record<string, string>
  /** Answer only after this long (longer than the outbox's timeout: a hung receiver). */
  delayMs?: number
}

interface StoredDelivery {
  status: DeliveryStatus
  attempts: number
  last_status_code: number | null
  last_error: string
  payload: string
}

const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const silent = createLogger({ level: 'silent' })

describe('webhook delivery through the outbox', () => {
  let store: TestStore
  let server: http.Server
  let base: string
  let port: number
  const received: Received[] = []
  const scripts = new Map<string, Reply[]>()
  const outboxes: DeliveryOutbox[] = []

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, silent)
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const path = req.url ?? '/'
        received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        })
        const queue = scripts.get(path) ?? []
        const reply = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 200 }
        const answer = () => {
          if (!res.destroyed) res.writeHead(reply.status, reply.headers).end('{}')
        }
        if (reply.delayMs) setTimeout(answer, reply.delayMs)
        else answer()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
    base = `http://127.0.0.1:${port}`
  })

  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.stop()))
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await store.dispose()
  })

  function alert(overrides: Partial<Alert> = {}): Alert {
    const id = randomBytes(16).toString('hex')
    return {
      alert_id: id,
      tenant_id: 'acme',
      rule: {
        id: 'mcp-secret-in-arguments',
        title: 'Secret in tool arguments',
        severity: 'high',
        tags: [],
        kind: 'match',
      },
      group: { server_name: 'github', tool: 'create_issue' },
      count: 1,
      value: null,
      first_seen: new Date().toISOString(),
      last_seen: new Date().toISOString(),
      sample_event_ids: ['evt-1'],
      summary: 'Secret in tool arguments: 1 event(s) for server_name=github, tool=create_issue',
      status: 'open',
      created_at: new Date().toISOString(),
      url: `#/alerts/${id}`,
      ...overrides,
    }
  }

  function webhook(path: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
    return {
      name: path.slice(1),
      url: `${base}${path}`,
      format: 'standard',
      minSeverity: 'medium',
      ...overrides,
    }
  }

  function open(options: Partial<DeliveryOutboxOptions> & Pick<DeliveryOutboxOptions, 'webhooks'>) {
    const registry = new Registry()
    const outbox = createDeliveryOutbox({
      store,
      allowPrivateNetworks: ['127.0.0.0/8'],
      consoleUrl: 'http://console.test:8081',
      logger: silent,
      registry,
      backoff: { baseMs: 20, maxMs: 100 },
      pollMs: 25,
      timeoutMs: 2_000,
      ...options,
    })
    outboxes.push(outbox)
    return { outbox, registry }
  }

  const hits = (path: string) => received.filter((request) => request.path === path)

  async function delivery(alertId: string, webhookName: string): Promise<StoredDelivery | undefined> {
    const [row] = await queryRows<StoredDelivery>(
      store,
      `SELECT status, attempts, last_status_code, last_error, payload FROM ${store.database}.alert_deliveries FINAL
       WHERE delivery_id = {id:String}`,
      { id: deliveryId(alertId, webhookName) },
    )
    return row
  }

  async function waitForStatus(
    alertId: string,
    webhookName: string,
    status: DeliveryStatus,
    timeoutMs = 15_000,
  ) {
    const row = await waitFor(() => delivery(alertId, webhookName), {
      description: `the delivery of ${alertId} to ${webhookName} to be ${status}`,
      timeoutMs,
      intervalMs: 50,
      until: (stored) => stored?.status === status,
    })
    expect(row?.status).toBe(status)
    return row!
  }

  it('delivers once with a valid Standard Webhooks signature and an absolute console link', async () => {
    const target = webhook('/signed', { secret: SECRET })
    const { outbox, registry } = open({ webhooks: [target] })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    const row = await waitForStatus(fired.alert_id, 'signed', 'delivered')
    expect(row).toMatchObject({ attempts: 1, last_status_code: 200, last_error: '' })
    // Nothing more may arrive: a quiet moment is the only way to see an absence.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const [request, ...more] = hits('/signed')
    expect(more).toHaveLength(0)
    const headers = request!.headers as Record<string, string>
    expect(verifyStandardWebhook(headers, request!.body, SECRET, 60)).toMatchObject({ ok: true })
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64')
    const expected = createHmac('sha256', key)
      .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${request!.body}`)
      .digest('base64')
    expect(headers['webhook-signature']).toBe(`v1,${expected}`)
    expect(headers['webhook-id']).toBe(deliveryId(fired.alert_id, 'signed'))
    const body = JSON.parse(request!.body)
    expect(body.type).toBe('alert.fired')
    expect(body.data.alert_id).toBe(fired.alert_id)
    expect(body.data.url).toBe(`http://console.test:8081/#/alerts/${fired.alert_id}`)
    const metrics = await registry.getSingleMetricAsString('mcp_audit_alert_deliveries_total')
    expect(metrics).toContain(
      'mcp_audit_alert_deliveries_total{webhook="signed",format="standard",outcome="delivered"} 1',
    )
  })

  it('sends nothing to a webhook whose minSeverity is above the alert', async () => {
    const { outbox } = open({ webhooks: [webhook('/critical-only', { minSeverity: 'critical' })] })
    const fired = alert()
    await outbox.enqueueAlert(fired)
    await outbox.flushDue()
    expect(await delivery(fired.alert_id, 'critical-only')).toBeUndefined()
    expect(hits('/critical-only')).toHaveLength(0)
  })

  it("never sends tenant A's alerts or report notices to a webhook scoped to tenant B", async () => {
    const globexOnly = webhook('/globex-only', { tenants: ['globex'] })
    const everyTenant = webhook('/every-tenant', { tenants: ['*'] })
    const { outbox } = open({ webhooks: [globexOnly, everyTenant] })
    outbox.start()
    const acmeAlert = alert({ tenant_id: 'acme' })
    const globexAlert = alert({ tenant_id: 'globex' })
    await outbox.enqueueAlert(acmeAlert)
    await outbox.enqueueAlert(globexAlert)
    await outbox.enqueueReport(
      {
        report_id: `rpt_${randomBytes(8).toString('hex')}`,
        tenant_id: 'acme',
        name: 'weekly',
        period_from: '2026-11-16T23:00:00.000Z',
        period_to: '2026-11-23T23:00:00.000Z',
        timezone: 'UTC',
        checks: { pass: 1, warn: 0, fail: 0 },
        manifest_sha256: 'a'.repeat(64),
        links: {},
        created_at: new Date().toISOString(),
      },
      ['globex-only'],
    )
    await waitForStatus(globexAlert.alert_id, 'globex-only', 'delivered')
    await waitForStatus(acmeAlert.alert_id, 'every-tenant', 'delivered')
    await waitForStatus(globexAlert.alert_id, 'every-tenant', 'delivered')
    await outbox.flushDue()
    expect(await delivery(acmeAlert.alert_id, 'globex-only')).toBeUndefined()
    const [queued] = await queryRows<{ n: number | string }>(
      store,
      `SELECT count() AS n FROM ${store.database}.alert_deliveries FINAL
       WHERE webhook = 'globex-only' AND tenant_id != 'globex'`,
    )
    expect(Number(queued!.n)).toBe(0)
    const tenants = hits('/globex-only').map((request) => JSON.parse(request.body).data.tenant_id)
    expect(tenants).toEqual(['globex'])
  })

  it('gives up on a queued delivery whose webhook no longer receives its tenant', async () => {
    const fired = alert({ tenant_id: 'acme' })
    const before = open({ webhooks: [webhook('/rescoped')] }).outbox
    await before.enqueueAlert(fired)
    // The configuration changes before the row is delivered (a restart with a narrower scope).
    const { outbox } = open({ webhooks: [webhook('/rescoped', { tenants: ['globex'] })] })
    await outbox.flushDue()
    const row = await waitForStatus(fired.alert_id, 'rescoped', 'dead')
    expect(row.last_error).toContain('no longer receives tenant "acme"')
    expect(hits('/rescoped')).toHaveLength(0)
  })

  it('retries 503 twice, then delivers on the third attempt', async () => {
    scripts.set('/flaky', [{ status: 503 }, { status: 503 }, { status: 200 }])
    const { outbox, registry } = open({ webhooks: [webhook('/flaky')] })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    const row = await waitForStatus(fired.alert_id, 'flaky', 'delivered')
    expect(row).toMatchObject({ attempts: 3, last_status_code: 200 })
    expect(hits('/flaky')).toHaveLength(3)
    const ids = new Set(hits('/flaky').map((request) => request.headers['webhook-id']))
    expect(ids.size).toBe(1)
    const metrics = await registry.getSingleMetricAsString('mcp_audit_alert_deliveries_total')
    expect(metrics).toContain('outcome="retry"} 2')
  })

  it('waits as long as Retry-After asks before the next attempt', async () => {
    scripts.set('/throttled', [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }])
    const { outbox } = open({ webhooks: [webhook('/throttled')] })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    await waitForStatus(fired.alert_id, 'throttled', 'delivered')
    const [first, second] = hits('/throttled')
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990)
  })

  it('disables the endpoint on 410 and sends it nothing more', async () => {
    scripts.set('/gone', [{ status: 410 }])
    const { outbox, registry } = open({ webhooks: [webhook('/gone')] })
    outbox.start()
    const first = alert()
    await outbox.enqueueAlert(first)
    const row = await waitForStatus(first.alert_id, 'gone', 'disabled')
    expect(row.last_status_code).toBe(410)
    const later = alert()
    await outbox.enqueueAlert(later)
    await waitForStatus(later.alert_id, 'gone', 'disabled')
    // Nothing more may arrive: a quiet moment is the only way to see an absence.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(hits('/gone')).toHaveLength(1)
    const metrics = await registry.getSingleMetricAsString('mcp_audit_alert_deliveries_total')
    expect(metrics).toContain('outcome="disabled"} 2')
  })

  it('gives up at once on 400 (dead, with the answer in last_error)', async () => {
    scripts.set('/rejects', [{ status: 400 }])
    const { outbox } = open({ webhooks: [webhook('/rejects')] })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    const row = await waitForStatus(fired.alert_id, 'rejects', 'dead')
    expect(row).toMatchObject({ attempts: 1, last_status_code: 400 })
    expect(row.last_error).toContain(`webhook 127.0.0.1:${port} answered 400`)
    expect(hits('/rejects')).toHaveLength(1)
  })

  it('retries a receiver that does not answer within the timeout', async () => {
    scripts.set('/hangs', [{ status: 200, delayMs: 1_500 }, { status: 200 }])
    const { outbox } = open({ webhooks: [webhook('/hangs')], timeoutMs: 300 })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    const row = await waitForStatus(fired.alert_id, 'hangs', 'delivered')
    expect(row.attempts).toBe(2)
    expect(hits('/hangs')).toHaveLength(2)
  })

  it('refuses a loopback target that is not allow-listed, without any request reaching it', async () => {
    const lines: string[] = []
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString())
          callback()
        },
      }),
    })
    const target = {
      name: 'internal',
      url: `http://localhost:${port}/internal`,
      format: 'standard' as const,
      minSeverity: 'medium' as const,
    }
    const { outbox, registry } = open({ webhooks: [target], allowPrivateNetworks: [], logger })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    const row = await waitForStatus(fired.alert_id, 'internal', 'dead')
    expect(row.attempts).toBe(1)
    expect(row.last_error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/)
    expect(row.last_error).toContain('alerts.allowPrivateNetworks')
    expect(hits('/internal')).toHaveLength(0)
    const metrics = await registry.getSingleMetricAsString('mcp_audit_alert_deliveries_total')
    expect(metrics).toContain('outcome="blocked"} 1')
    expect(lines.join('')).toContain('alert_delivery_dead')
  })

  it('never logs the secret or the URL path of a webhook (Slack URLs carry tokens)', async () => {
    const lines: string[] = []
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString())
          callback()
        },
      }),
    })
    const token = 'T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX'
    scripts.set(`/services/${token}`, [{ status: 500 }, { status: 200 }])
    const slack = webhook(`/services/${token}`, { name: 'slack', format: 'slack' })
    const signed = webhook('/signed-logs', { name: 'signed-logs', secret: SECRET })
    const { outbox } = open({ webhooks: [slack, signed], logger })
    outbox.start()
    const fired = alert()
    await outbox.enqueueAlert(fired)
    await waitForStatus(fired.alert_id, 'slack', 'delivered')
    await waitForStatus(fired.alert_id, 'signed-logs', 'delivered')
    const logs = lines.join('')
    expect(logs).toContain('alert_delivered')
    expect(logs).toContain(`127.0.0.1:${port}`)
    expect(logs).not.toContain(token)
    expect(logs).not.toContain(SECRET)
    expect(JSON.parse(hits(`/services/${token}`)[1]!.body).text).toContain('Secret in tool arguments')
  })

  it('delivers an alert enqueued repeatedly (at once and after delivery) exactly once', async () => {
    const { outbox } = open({ webhooks: [webhook('/once')] })
    const fired = alert()
    await Promise.all([
      outbox.enqueueAlert(fired),
      outbox.enqueueAlert(fired),
      outbox.enqueueAlert({ ...fired, count: 2 }),
    ])
    await outbox.flushDue()
    await waitForStatus(fired.alert_id, 'once', 'delivered')
    await outbox.enqueueAlert({ ...fired, count: 5 })
    await outbox.flushDue()
    await outbox.flushDue()
    expect(hits('/once')).toHaveLength(1)
    const [versions] = await queryRows<{ n: number | string }>(
      store,
      `SELECT count() AS n FROM ${store.database}.alert_deliveries FINAL WHERE alert_id = {id:String}`,
      { id: fired.alert_id },
    )
    expect(Number(versions!.n)).toBe(1)
    expect(JSON.parse((await delivery(fired.alert_id, 'once'))!.payload).count).toBe(1)
  })
})
