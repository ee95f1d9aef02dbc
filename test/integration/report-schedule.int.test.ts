import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { createLoggingSelfAudit } from '../../services/platform/self-audit.js'
import { createReports, loadSigningKey } from '../../services/reporter/index.js'
import { createReportNotifier } from '../../services/reporter/notify.js'
import { reportsTable } from '../../services/reporter/report-store.js'
import { createReportScheduler, type ReportScheduler } from '../../services/reporter/scheduler.js'
import {
  createDeliveryOutbox,
  verifyStandardWebhook,
  type DeliveryOutbox,
} from '../../services/webhooks/index.js'
import { insertEvents, seedEvents } from '../helpers/report-seed.js'
import { openTestStore, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`

describe('scheduled reports', () => {
  let store: TestStore
  let scheduler: ReportScheduler
  let outbox: DeliveryOutbox
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(204).end()
    })
  })

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    store = openTestStore()
    await migrate(store, logger)
    const config = AppConfig.parse({
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      console: { publicUrl: 'https://audit.example.com/' },
      tenants: [{ id: 'acme', timezone: 'Europe/Berlin' }],
      alerts: {
        allowPrivateNetworks: ['127.0.0.0/8'],
        webhooks: [{ name: 'sec', url: `http://127.0.0.1:${port}/hook`, format: 'standard', secret: SECRET }],
      },
      reports: [
        {
          name: 'daily',
          tenant: 'acme',
          schedule: '0 6 * * *',
          timezone: 'Europe/Berlin',
          period: 'last-day',
          formats: ['json'],
          deliver: ['sec'],
        },
      ],
    })
    const events = seedEvents({
      tenant: 'acme',
      from: new Date('2026-11-22T23:00:00Z'),
      hours: 24,
      gateways: [{ name: 'gw', perHour: 2 }],
      keepDays: 730,
      prefix: 's',
    })
    await insertEvents(store, events)
    const reports = createReports({
      config,
      store,
      logger,
      selfAudit: createLoggingSelfAudit(logger),
      signingKey: loadSigningKey(config, logger),
    })
    outbox = createDeliveryOutbox({
      store,
      webhooks: config.alerts.webhooks,
      allowPrivateNetworks: config.alerts.allowPrivateNetworks,
      logger,
      registry: new Registry(),
    })
    scheduler = createReportScheduler({
      config,
      reports,
      table: reportsTable(store),
      notifier: createReportNotifier(outbox, config.console.publicUrl),
      logger,
    })
  })

  afterAll(async () => {
    await scheduler?.stop()
    await store?.dispose()
    server.close()
  })

  it('finds the missed run after downtime, catches it up once, and never runs a period twice', async () => {
    // Down from Monday 05:00 to Tuesday 09:00 (Berlin): the 06:00 Tuesday run was missed.
    const now = new Date('2026-11-24T08:00:00Z')
    const fired = scheduler.lastFire('daily', now, 35)
    expect(fired?.toISOString()).toBe('2026-11-24T05:00:00.000Z')

    const [first, overlapping] = await Promise.all([
      scheduler.run('daily', fired!),
      scheduler.run('daily', fired!),
    ])
    expect(overlapping).toBeUndefined()
    expect(first?.period_from).toBe('2026-11-22T23:00:00.000Z')
    expect(first?.period_to).toBe('2026-11-23T23:00:00.000Z')
    expect(first?.schedule).toBe('daily')
    expect(await scheduler.run('daily', new Date('2026-11-24T05:00:30Z'))).toBeUndefined()
    await outbox.flushDue()

    expect(received).toHaveLength(1)
    const delivery = received[0]!
    expect(verifyStandardWebhook(delivery.headers, delivery.body, SECRET)).toMatchObject({ ok: true })
    const body = JSON.parse(delivery.body) as {
      type: string
      data: { report_id: string; links: Record<string, string> }
    }
    expect(body.type).toBe('report.ready')
    expect(body.data.report_id).toBe(first!.report_id)
    expect(body.data.links.json).toBe(`https://audit.example.com/api/v1/reports/${first!.report_id}/json`)
  })
})
