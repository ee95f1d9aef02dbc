import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { createLoggingSelfAudit } from '../../services/platform/self-audit.js'
import { startReporter, type Reporter } from '../../services/reporter/service.js'
import { deliveryId, verifyStandardWebhook } from '../../services/webhooks/index.js'
import { insertEvents, seedEvents } from '../helpers/report-seed.js'
import { openTestStore, waitForCount, type TestStore } from '../helpers/store.js'

/**
 * A scheduled report's notice goes through the durable webhook outbox: the receiver answers the
 * first attempt 503 with Retry-After, the reporter stops while the notice waits, and the
 * restarted reporter delivers it once, signed, after the receiver's delay.
 */

const logger = createLogger({ level: 'silent' })
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  at: number
  status: number
}

describe('report notifications through the webhook outbox', () => {
  let store: TestStore
  let config: AppConfig
  const received: Received[] = []
  let firstAnswered: () => void = () => undefined
  const firstAttempt = new Promise<void>((resolve) => (firstAnswered = resolve))
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const status = received.length === 0 ? 503 : 204
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        status,
      })
      res.writeHead(status, status === 503 ? { 'retry-after': '2' } : {}).end(() => firstAnswered())
    })
  })

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    store = openTestStore()
    await migrate(store, logger)
    config = AppConfig.parse({
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      console: { publicUrl: 'https://audit.example.com/' },
      tenants: [{ id: 'acme' }],
      alerts: {
        allowPrivateNetworks: ['127.0.0.0/8'],
        webhooks: [{ name: 'sec', url: `http://127.0.0.1:${port}/hook`, format: 'standard', secret: SECRET }],
      },
      // Every day at 00:00 UTC: starting the reporter catches up yesterday's run at once.
      reports: [
        {
          name: 'daily',
          tenant: 'acme',
          schedule: '0 0 * * *',
          period: 'last-day',
          formats: ['json'],
          deliver: ['sec'],
        },
      ],
    })
    const yesterday = new Date(Date.now() - 86_400_000)
    yesterday.setUTCHours(0, 0, 0, 0)
    await insertEvents(
      store,
      seedEvents({
        tenant: 'acme',
        from: yesterday,
        hours: 24,
        gateways: [{ name: 'gw', perHour: 1 }],
        keepDays: 730,
        prefix: 'n',
      }),
    )
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await store?.dispose()
  })

  function start(): { reporter: Reporter; lifecycle: Lifecycle } {
    const lifecycle = new Lifecycle(logger)
    const reporter = startReporter({
      config,
      store,
      logger,
      registry: new Registry(),
      lifecycle,
      selfAudit: createLoggingSelfAudit(logger),
    })
    return { reporter, lifecycle }
  }

  const deliveries = (where: string) =>
    `SELECT count() AS n FROM ${store.database}.alert_deliveries FINAL
     WHERE message_type = 'report.ready' AND webhook = 'sec' AND ${where}`

  it('retries after a 503 with Retry-After, across a restart, and delivers once, signed', async () => {
    const first = start()
    // Stopped as soon as the receiver has refused: the notice waits in the outbox, not in memory.
    await firstAttempt
    await first.lifecycle.stop('test restart')
    expect(received.map((request) => request.status)).toEqual([503])
    expect(await waitForCount(store, deliveries("status = 'pending' AND attempts = 1"), 1)).toBe(1)

    const second = start()
    expect(await waitForCount(store, deliveries("status = 'delivered'"), 1, { timeoutMs: 30_000 })).toBe(1)
    await second.reporter.scheduler.idle()
    const [report, ...others] = await second.reporter.reports.list('acme')
    expect(others).toHaveLength(0)
    await second.lifecycle.stop('test end')

    expect(received.map((request) => request.status)).toEqual([503, 204])
    const [refused, delivered] = received as [Received, Received]
    expect(delivered.at - refused.at).toBeGreaterThanOrEqual(1_990)
    const id = deliveryId(report!.report_id, 'sec')
    expect(refused.headers['webhook-id']).toBe(id)
    expect(delivered.headers['webhook-id']).toBe(id)
    expect(delivered.body).toBe(refused.body)
    expect(verifyStandardWebhook(delivered.headers, delivered.body, SECRET)).toMatchObject({ ok: true, id })
    const body = JSON.parse(delivered.body) as {
      type: string
      data: { report_id: string; links: Record<string, string> }
    }
    expect(body.type).toBe('report.ready')
    expect(body.data.report_id).toBe(report!.report_id)
    expect(body.data.links.json).toBe(`https://audit.example.com/api/v1/reports/${report!.report_id}/json`)
    expect(
      await waitForCount(
        store,
        deliveries("status = 'delivered' AND attempts = 2 AND last_status_code = 204"),
        1,
      ),
    ).toBe(1)
  })
})
