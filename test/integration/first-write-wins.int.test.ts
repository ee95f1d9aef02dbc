import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const HOUR_START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000

/** A gateway's generic event with an id of its own, as a gateway that numbers its events sends it. */
function gatewayEvent(eventId: string, status: 'success' | 'error', minute: number) {
  return {
    event_id: eventId,
    timestamp: new Date(HOUR_START + minute * 60_000).toISOString(),
    method: 'tools/call',
    server: { name: 'crm' },
    tool: 'export_customers',
    user: { id: 'alice' },
    arguments: { segment: 'all' },
    status,
  }
}

describe('first write wins: collector → Kafka → normalizer → store', () => {
  let store: TestStore
  let collector: TestCollector
  const lifecycle = new Lifecycle(logger)

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    collector = await startTestCollector(brokers)
    const config = AppConfig.parse({
      ...collector.config,
      clickhouse: { database: store.database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `fww-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
      alerts: {
        allowPrivateNetworks: ['127.0.0.0/8'],
        webhooks: [{ name: 'soc', url: 'http://127.0.0.1:9/hook', format: 'standard', tenants: ['acme'] }],
      },
    })
    await startTestRuntime(config, store, { services: ['normalizer'] }, lifecycle)
  })
  afterAll(async () => {
    await lifecycle.stop('test')
    await collector?.stop()
    await store?.dispose()
  })

  it('keeps the first version of a re-sent id, stores the conflict and raises mcp-audit-event-conflict', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID())
    const first = await post(
      `${collector.url}/v1/events`,
      JSON.stringify(ids.map((id, minute) => gatewayEvent(id, 'error', minute))),
    )
    expect(first.status).toBe(202)
    const events = `${store.database}.audit_events`
    await waitForCount(store, `SELECT count() AS n FROM ${events}`, 50)

    // The forgery from issue 14: the same id, hour, server and tool, another status.
    const target = ids[7]!
    const forged = await post(
      `${collector.url}/v1/events`,
      JSON.stringify([gatewayEvent(target, 'success', 7)]),
    )
    expect(forged.status).toBe(202)
    // An identical re-send (a gateway's retry) is no conflict.
    await post(`${collector.url}/v1/events`, JSON.stringify([gatewayEvent(ids[8]!, 'error', 8)]))
    await waitForCount(store, `SELECT count() AS n FROM ${store.database}.event_conflicts`, 1)

    for (const final of ['', 'FINAL']) {
      const rows = await queryRows<{ status: string }>(
        store,
        `SELECT toString(status) AS status FROM ${events} ${final} WHERE event_id = {id:String}`,
        { id: target },
      )
      expect(rows, `reading ${final || 'without FINAL'}`).toEqual([{ status: 'error' }])
    }
    const [stored] = await queryRows<{ content_hash: string }>(
      store,
      `SELECT content_hash FROM ${events} WHERE event_id = {id:String}`,
      { id: target },
    )
    const conflicts = await queryRows<Record<string, string>>(
      store,
      `SELECT * FROM ${store.database}.event_conflicts FINAL`,
    )
    expect(conflicts).toEqual([
      expect.objectContaining({
        tenant_id: 'acme',
        event_id: target,
        stored_hash: stored!.content_hash,
        gateway: 'gw-eu-1',
        gateway_format: 'generic',
      }),
    ])
    expect(conflicts[0]!.received_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(conflicts[0]!.received_hash).not.toBe(stored!.content_hash)
    expect(
      await queryRows(store, `SELECT 1 FROM ${events} WHERE event_id = {id:String}`, { id: ids[8]! }),
    ).toHaveLength(1)

    // The alert follows the conflict's row: in-stream rules run after the batch is stored.
    await waitForCount(
      store,
      `SELECT count() AS n FROM ${store.database}.alerts FINAL WHERE rule_id = 'mcp-audit-event-conflict'`,
      1,
    )
    const alerts = await queryRows<{
      alert_id: string
      severity: string
      count: string
      group_values: Record<string, string>
    }>(
      store,
      `SELECT alert_id, toString(severity) AS severity, count, group_values
       FROM ${store.database}.alerts FINAL WHERE rule_id = 'mcp-audit-event-conflict'`,
    )
    expect(alerts).toEqual([
      expect.objectContaining({ severity: 'high', group_values: { tenant_id: 'acme', gateway: 'gw-eu-1' } }),
    ])
    expect(Number(alerts[0]!.count)).toBe(1)
    // Announced like any alert: a delivery to the tenant's webhook is queued.
    await waitForCount(
      store,
      `SELECT count() AS n FROM ${store.database}.alert_deliveries WHERE alert_id = {id:String}`,
      1,
      { params: { id: alerts[0]!.alert_id } },
    )
  })
})
