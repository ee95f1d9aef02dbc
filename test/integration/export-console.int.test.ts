import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { freePort } from '../../services/platform/local-kafka.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { readSinkStatuses } from '../../services/platform/store/export-sink-status.js'
import type { Runtime } from '../../services/runtime/index.js'
import { post, startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { startHecReceiver, type HecReceiver } from '../helpers/splunk-hec.js'
import { openTestStore, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * `GET /api/v1/export/sinks` over the real pipeline (collector → Kafka → normalizer → embedded
 * ClickHouse → exporter → a HEC receiver, and a second one that is down): live from the exporter
 * when the console runs beside it, as the exporter saved it in the store when the console runs
 * alone; each tenant sees only its sinks, and never a sink's token.
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const HEC_TOKEN = 'hec-console-token-9b1e4f'
const DOWN_TOKEN = 'hec-down-token-5c2a7e'
const UNREACHABLE = /ECONNREFUSED|fetch failed|connect/i
const SLOW_READ = 'slow-read-token-0123456789ab'

interface SinksAnswer {
  tenant: string
  source: 'live' | 'store'
  sinks: Array<{
    name: string
    type: string
    tenants: string[]
    status: string
    lag: number | null
    last_error: string | null
    last_success: string | null
    throughput_per_second: number | null
    status_updated_at: string | null
    status_age_seconds: number | null
  }>
}

let store: TestStore
let collector: TestCollector
let hec: HecReceiver
let config: AppConfig

async function sinksOf(runtime: Runtime, token: string): Promise<SinksAnswer> {
  const res = await fetch(`${runtime.console!.url}/api/v1/export/sinks`, {
    headers: { Authorization: `Bearer ${token}` },
  })
  expect(res.status).toBe(200)
  const text = await res.text()
  expect(text).not.toContain(HEC_TOKEN)
  expect(text).not.toContain(DOWN_TOKEN)
  return JSON.parse(text) as SinksAnswer
}

beforeAll(async () => {
  store = openTestStore()
  await migrate(store, logger)
  collector = await startTestCollector(brokers)
  hec = await startHecReceiver([{ value: HEC_TOKEN, indexes: ['mcp'] }])
  const deadPort = await freePort()
  config = AppConfig.parse({
    kafka: { brokers, topics: collector.topics, partitions: 3 },
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `export-console-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
    console: { port: 0, metricsPort: 0, host: '127.0.0.1' },
    tenants: [
      { id: 'acme', tokens: [{ name: 'acme-reader', scope: 'read', value: TOKENS.acmeRead }] },
      { id: 'slow', tokens: [{ name: 'slow-reader', scope: 'read', value: SLOW_READ }] },
    ],
    alerts: { allowPrivateNetworks: ['127.0.0.0/8'] },
    export: {
      batchMaxWaitMs: 200,
      pollMs: 100,
      sinks: [
        {
          name: 'soc',
          type: 'splunk-hec',
          url: hec.url,
          token: HEC_TOKEN,
          index: 'mcp',
          tenants: ['acme'],
          startFrom: 'earliest',
        },
        {
          name: 'down',
          type: 'splunk-hec',
          url: `http://127.0.0.1:${deadPort}`,
          token: DOWN_TOKEN,
          index: 'mcp',
          tenants: ['acme'],
          startFrom: 'earliest',
        },
      ],
    },
  })
}, 120_000)

afterAll(async () => {
  await collector?.stop()
  await hec?.close()
  await store?.dispose()
})

describe('console export status', () => {
  it('shows the live sinks in start, what the exporter saved in server mode, to their tenant only', async () => {
    const lifecycle = new Lifecycle(logger)
    const runtime = await startTestRuntime(
      config,
      store,
      { services: ['normalizer', 'exporter', 'console'] },
      lifecycle,
    )
    try {
      const events = Array.from({ length: 40 }, (_, i) => ({
        event_id: `console-export-${i}`,
        timestamp: new Date().toISOString(),
        method: 'tools/call',
        server: { name: 'filesystem' },
        tool: 'read_file',
        status: 'success',
      }))
      const answer = await post(`${collector.url}/v1/events`, JSON.stringify(events), {
        token: TOKENS.acmeIngest,
      })
      expect(answer.status).toBe(202)
      await waitForCount(store, `SELECT count() AS n FROM ${store.database}.audit_events`, 40)
      await waitFor(() => hec.events.length, { description: '40 events at HEC', until: (n) => n >= 40 })

      const live = await waitFor(() => sinksOf(runtime, TOKENS.acmeRead), {
        description: 'the live sink caught up, the other one failing',
        until: (body) => body.sinks[0]?.lag === 0 && body.sinks[1]?.last_error != null,
      })
      expect(live).toMatchObject({ tenant: 'acme', source: 'live' })
      expect(live.sinks).toHaveLength(2)
      expect(live.sinks[0]).toMatchObject({
        name: 'soc',
        type: 'splunk-hec',
        tenants: ['acme'],
        status: 'ok',
        lag: 0,
        last_error: null,
        status_age_seconds: 0,
      })
      expect(live.sinks[0]!.throughput_per_second).toBeGreaterThan(0)
      expect(Date.parse(live.sinks[0]!.last_success!)).toBeGreaterThan(Date.now() - 60_000)
      expect(live.sinks[1]).toMatchObject({ name: 'down', status: 'paused' })
      expect(live.sinks[1]!.last_error).toMatch(UNREACHABLE)
      expect((await sinksOf(runtime, SLOW_READ)).sinks).toEqual([])
    } finally {
      await runtime.stop('test')
    }

    // Server mode: the console alone shows each sink as the exporter saved it when it stopped (its
    // last error, send rate and lag, not recomputed), and says when that was.
    const saved = new Map((await readSinkStatuses(store)).map((row) => [row.sink, row]))
    const alone = await startTestRuntime(config, store, { services: ['console'] }, new Lifecycle(logger))
    try {
      const stored = await sinksOf(alone, TOKENS.acmeRead)
      expect(stored.source).toBe('store')
      expect(stored.sinks[0]).toMatchObject({
        name: 'soc',
        status: 'ok',
        lag: saved.get('soc')!.lag,
        last_error: null,
        throughput_per_second: Math.round(saved.get('soc')!.records_per_second * 10) / 10,
        status_updated_at: new Date(saved.get('soc')!.updated_ms).toISOString(),
      })
      expect(stored.sinks[0]!.last_success).not.toBeNull()
      expect(stored.sinks[0]!.status_age_seconds).toBeGreaterThanOrEqual(0)
      expect(stored.sinks[1]).toMatchObject({ name: 'down', status: 'paused', lag: saved.get('down')!.lag })
      expect(stored.sinks[1]!.last_error).toMatch(UNREACHABLE)
      expect((await sinksOf(alone, SLOW_READ)).sinks).toEqual([])
    } finally {
      await alone.stop('test')
    }
  })
})
