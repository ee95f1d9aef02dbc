import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import type { ExportRecord } from '../../schemas/export-record.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { exportStatus } from '../../services/platform/store/export-sink-status.js'
import type { Runtime } from '../../services/runtime/index.js'
import { post, startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { startHecReceiver, type HecReceiver } from '../helpers/splunk-hec.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * A Splunk HEC receiver that is down for a full minute while events keep arriving: the sink fails,
 * the built-in alert `mcp-audit-export-lagging` is raised once (by the exporter running alone,
 * for the detector's webhook outbox) and the sink's status says why; when the receiver is back
 * every event reaches it, none missing, repeats counted, and the lagging alert itself too.
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const HEC_TOKEN = 'hec-outage-token-77d1'
const OUTAGE_MS = 60_000
const BATCH = 50

let store: TestStore
let collector: TestCollector
let config: AppConfig
const runtimes: Runtime[] = []
const receivers: HecReceiver[] = []

let sent = 0
async function sendEvents(count: number) {
  const events = Array.from({ length: count }, (_, k) => ({
    event_id: `outage-${String(sent + k).padStart(5, '0')}`,
    timestamp: new Date().toISOString(),
    method: 'tools/call',
    server: { name: 'filesystem' },
    tool: 'read_file',
    user: { id: 'alice' },
    status: 'success',
  }))
  sent += count
  const answer = await post(`${collector.url}/v1/events`, JSON.stringify(events), {
    token: TOKENS.acmeIngest,
  })
  expect(answer.status).toBe(202)
}

const received = () =>
  receivers.flatMap((receiver) => receiver.events.map((event) => event.event as ExportRecord))
const eventIds = () => received().flatMap((record) => (record.kind === 'event' ? [record.id] : []))
const laggingAlerts = `SELECT alert_id, toString(created_at) AS created_at, group_values, toString(count) AS count FROM {db:Identifier}.alerts FINAL
  WHERE rule_id = 'mcp-audit-export-lagging'`

beforeAll(async () => {
  store = openTestStore()
  await migrate(store, logger)
  collector = await startTestCollector(brokers)
  receivers.push(await startHecReceiver([{ value: HEC_TOKEN, indexes: ['mcp'] }]))
  config = AppConfig.parse({
    ...collector.config,
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `export-outage-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
    alerts: {
      allowPrivateNetworks: ['127.0.0.0/8'],
      webhooks: [{ name: 'sec', url: 'http://127.0.0.1:9/hook', format: 'standard', tenants: ['acme'] }],
    },
    export: {
      batchMaxRows: BATCH,
      batchMaxWaitMs: 200,
      pollMs: 100,
      unhealthyAfterSeconds: 5,
      sinks: [
        { name: 'soc', type: 'splunk-hec', url: receivers[0]!.url, token: HEC_TOKEN, tenants: ['acme'] },
      ],
    },
  })
  // The exporter in a runtime of its own, as `mcp-audit exporter` runs it.
  runtimes.push(await startTestRuntime(config, store, { services: ['normalizer'] }, new Lifecycle(logger)))
  runtimes.push(
    await startTestRuntime(
      config,
      store,
      { services: ['exporter'], exporter: { statusIntervalMs: 250, noticeSettleMs: 500 } },
      new Lifecycle(logger),
    ),
  )
}, 120_000)

afterAll(async () => {
  for (const runtime of runtimes.reverse()) await runtime.stop('test')
  await collector?.stop()
  for (const receiver of receivers) await receiver.close().catch(() => undefined)
  await store?.dispose()
})

describe('export while the receiver is down for a minute', () => {
  it(
    'raises the lagging alert once, then delivers every event when the receiver is back',
    { timeout: 300_000 },
    async () => {
      const exporter = runtimes[1]!
      await sendEvents(100)
      await waitFor(() => eventIds().length, { description: '100 events at HEC', until: (n) => n >= 100 })
      const port = Number(new URL(receivers[0]!.url).port)
      await receivers[0]!.close()
      const downAtMs = Date.now()

      // Events keep arriving for the whole outage.
      while (Date.now() - downAtMs < OUTAGE_MS) {
        await sendEvents(25)
        await new Promise((resolve) => setTimeout(resolve, 5_000))
      }
      await waitForCount(store, `SELECT count() AS n FROM ${store.database}.audit_events`, sent)

      const alerts = await queryRows<{
        alert_id: string
        created_at: string
        group_values: Record<string, string>
        count: string
      }>(store, laggingAlerts, { db: store.database })
      // Once for the episode, not at each check, though the sink failed for a minute.
      expect(alerts).toHaveLength(1)
      expect(alerts[0]!.count).toBe('1')
      expect(alerts[0]!.group_values).toEqual({ tenant_id: 'acme', sink: 'soc', reason: 'failing' })
      const raisedMs = Date.parse(`${alerts[0]!.created_at.replace(' ', 'T')}Z`)
      expect(raisedMs - downAtMs).toBeGreaterThanOrEqual(5_000)
      expect(raisedMs - downAtMs).toBeLessThan(OUTAGE_MS)
      // Queued where the detector's delivery loop sends it from.
      const deliveries = await queryRows<{ webhook: string; message_type: string }>(
        store,
        `SELECT webhook, message_type FROM ${store.database}.alert_deliveries FINAL WHERE alert_id = {id:String}`,
        { id: alerts[0]!.alert_id },
      )
      expect(deliveries).toEqual([{ webhook: 'sec', message_type: 'alert.fired' }])

      const [status] = await exportStatus(store, config)
      expect(status).toMatchObject({ name: 'soc', type: 'splunk-hec', lagging: true, reporting: true })
      expect(status!.lastError).toMatch(/Splunk HEC/)
      expect(status!.lag).toBeGreaterThan(0)
      expect((await exporter.readiness()).reasons.join('\n')).toContain('sink soc (splunk-hec) has failed')
      expect(await exporter.context.registry.getSingleMetricAsString('mcp_audit_export_lagging')).toContain(
        'sink="soc"} 1',
      )

      receivers.push(await startHecReceiver([{ value: HEC_TOKEN, indexes: ['mcp'] }], { port }))
      const backAtMs = Date.now()
      await waitFor(() => new Set(eventIds()).size, {
        description: `all ${sent} events at HEC`,
        timeoutMs: 150_000,
        intervalMs: 250,
        until: (n) => n >= sent,
      })
      const recoverySeconds = (Date.now() - backAtMs) / 1000
      // The lagging alert goes out too, once the receiver takes records again.
      await waitFor(received, {
        description: 'the lagging alert at HEC',
        until: (records) =>
          records.some((record) => record.kind === 'alert' && record.id === alerts[0]!.alert_id),
      })
      await new Promise((resolve) => setTimeout(resolve, 1_500))

      const stored = await queryRows<{ event_id: string }>(
        store,
        `SELECT DISTINCT event_id FROM ${store.database}.audit_events ORDER BY event_id`,
      )
      const ids = eventIds()
      expect([...new Set(ids)].sort()).toEqual(stored.map((row) => row.event_id))
      const repeats = ids.length - new Set(ids).size
      console.info(
        `export outage test: ${sent} events, receiver down ${OUTAGE_MS / 1000} s, caught up ${recoverySeconds.toFixed(1)} s after it came back; repeats ${repeats}`,
      )
      // A refused connection takes nothing: only a batch the receiver took without answering repeats.
      expect(repeats).toBeLessThanOrEqual(BATCH)
      await waitFor(() => exportStatus(store, config), {
        description: 'the sink reported caught up',
        until: ([current]) => current?.lagging === false && current.lastError === null,
      })
    },
  )
})
