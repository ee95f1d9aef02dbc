import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { verifyStandardWebhook } from '../../services/webhooks/index.js'
import type { DetectorHandle } from '../../services/detector/service.js'
import { createWindowScheduler } from '../../services/detector/windowed/scheduler.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`

interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** A real HTTP receiver on loopback standing in for Slack and a SIEM's webhook endpoint. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body })
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server }
}

describe('detector end to end: collector → Kafka → normalizer → detector → webhooks', () => {
  let store: TestStore
  let collector: TestCollector
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let detector: DetectorHandle
  let config: AppConfig
  const lifecycle = new Lifecycle(logger)

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    receiver = await startReceiver()
    collector = await startTestCollector(brokers)
    config = AppConfig.parse({
      ...collector.config,
      clickhouse: { database: store.database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `e2e-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
      detector: { intervalMs: 3_600_000, lagMs: 0 },
      alerts: {
        allowPrivateNetworks: ['127.0.0.0/8'],
        webhooks: [
          {
            name: 'siem',
            url: `${receiver.url}/siem`,
            format: 'standard',
            secret: SECRET,
            minSeverity: 'low',
            tenants: ['acme'],
          },
          {
            name: 'chat',
            url: `${receiver.url}/slack`,
            format: 'slack',
            minSeverity: 'high',
            tenants: ['acme'],
          },
        ],
      },
    })
    const runtime = await startTestRuntime(config, store, { services: ['normalizer', 'detector'] }, lifecycle)
    detector = runtime.detector!
  })
  afterAll(async () => {
    await lifecycle.stop('test')
    await collector?.stop()
    receiver?.server.close()
    await store?.dispose()
  })

  const alertsOf = (ruleId: string) =>
    queryRows<{ alert_id: string; count: number; group_values: Record<string, string> }>(
      store,
      `SELECT alert_id, count, group_values FROM ${store.database}.alerts FINAL WHERE rule_id = {rule:String}`,
      { rule: ruleId },
    )

  it('turns a path-traversal attack into one alert, delivered signed to the SIEM and to chat', async () => {
    const attack = [0, 1, 2].map((i) => ({
      event_id: `traversal-${i}`,
      timestamp: new Date(Date.now() - 1000 + i).toISOString(),
      method: 'tools/call',
      server: { name: 'filesystem' },
      tool: 'read_file',
      session_id: 'attack-session',
      user: { id: 'mallory@example.com', auth_method: 'oauth2' },
      arguments: { path: `../../../etc/passwd?try=${i}` },
    }))
    expect((await post(`${collector.url}/v1/events`, JSON.stringify(attack))).status).toBe(202)

    const siem = () =>
      receiver.received.filter((r) => r.path === '/siem' && r.body.includes('mcp-path-traversal'))
    await waitFor(siem, {
      description: 'the mcp-path-traversal alert at the SIEM endpoint',
      until: (deliveries) => deliveries.length >= 1,
    })
    const alerts = await alertsOf('mcp-path-traversal')
    expect(alerts).toHaveLength(1)
    expect(
      await waitForCount(
        store,
        `SELECT max(count) AS n FROM ${store.database}.alerts FINAL WHERE rule_id = 'mcp-path-traversal'`,
        3,
      ),
    ).toBe(3)

    const [delivery] = siem()
    const verified = verifyStandardWebhook(delivery!.headers, delivery!.body, SECRET)
    expect(verified.ok).toBe(true)
    const payload = JSON.parse(delivery!.body) as {
      type: string
      data: { rule: { id: string }; tenant_id: string }
    }
    expect(payload).toMatchObject({
      type: 'alert.fired',
      data: { rule: { id: 'mcp-path-traversal' }, tenant_id: 'acme' },
    })
    expect(delivery!.body).not.toContain('mallory@example.com')
    await waitFor(() => receiver.received.some((r) => r.path === '/slack' && r.body.includes('traversal')), {
      description: 'the path traversal alert at the Slack endpoint',
    })

    // One incident, one notification: more of the same within the suppression window adds to it.
    // A quiet moment is the only way to see that no second notification arrives.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(siem()).toHaveLength(1)
  })

  it('fires HighErrorRate once for a failing server window, and not again after a restart', async () => {
    const windowMs = 5 * 60_000
    // The current bucket: the scheduler (started with the detector) has not judged it yet.
    const bucketStart = Math.floor(Date.now() / windowMs) * windowMs
    const calls = Array.from({ length: 40 }, (_, i) => ({
      event_id: `flaky-${i}`,
      timestamp: new Date(bucketStart + 10 * i).toISOString(),
      method: 'tools/call',
      server: { name: 'flaky-db' },
      tool: 'query',
      user: { id: `analyst${i % 4}@example.com`, auth_method: 'oauth2' },
      status: i % 2 === 0 ? 'error' : 'success',
      result:
        i % 2 === 0
          ? { content: [{ type: 'text', text: 'connection reset' }], isError: true }
          : { content: [] },
      duration_ms: 20,
    }))
    expect((await post(`${collector.url}/v1/events`, JSON.stringify(calls))).status).toBe(202)
    expect(
      await waitForCount(
        store,
        `SELECT count() AS n FROM ${store.database}.audit_events FINAL WHERE startsWith(event_id, 'flaky-')`,
        40,
      ),
    ).toBe(40)

    const now = new Date(bucketStart + windowMs + 1000)
    await detector.scheduler.runOnce(now)
    const alerts = await alertsOf('mcp-high-error-rate')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]!.group_values).toMatchObject({ server_name: 'flaky-db' })
    await waitFor(
      () => receiver.received.some((r) => r.path === '/siem' && r.body.includes('mcp-high-error-rate')),
      { description: 'the mcp-high-error-rate alert at the SIEM endpoint' },
    )

    // The same tick again, and a fresh scheduler after a "restart": the watermark says the window is done.
    await detector.scheduler.runOnce(now)
    const restarted = createWindowScheduler({
      store,
      rules: detector.parts.rules,
      lagMs: 0,
      logger,
      onCandidates: () => Promise.reject(new Error('a window was evaluated twice')),
    })
    const reports = await restarted.runOnce(now)
    expect(reports.filter((r) => r.ruleId === 'mcp-high-error-rate').flatMap((r) => r.windows)).toEqual([])
    expect(await alertsOf('mcp-high-error-rate')).toHaveLength(1)
    // A quiet moment is the only way to see that no second notification arrives.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(
      receiver.received.filter((r) => r.path === '/siem' && r.body.includes('mcp-high-error-rate')),
    ).toHaveLength(1)
  })
})
