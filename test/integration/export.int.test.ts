import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { ExportRecord, type ExportEvent } from '../../schemas/export-record.js'
import { replayToSink } from '../../services/exporter/index.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { readCheckpoint } from '../../services/platform/store/export-checkpoints.js'
import type { Runtime } from '../../services/runtime/index.js'
import { startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { PLANTED_PII, postPlantedEvents } from '../helpers/export-events.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { startHecReceiver, type HecReceiver } from '../helpers/splunk-hec.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The exporter in the real pipeline: events posted to the collector go through Kafka and the
 * normalizer into embedded ClickHouse, and the exporter sends the stored rows to a real Kafka topic
 * (sink `lake`) and to a receiver that enforces Splunk's HEC protocol (sink `soc`).
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'export-test' }, logger)
const HEC_TOKEN = 'hec-test-token-6f1d2c'
const PLANTED = PLANTED_PII
const BASE_MS = Date.now() - 3_600_000

let store: TestStore
let collector: TestCollector
let hec: HecReceiver
let config: AppConfig
let exportTopic: string

const send = (tag: string, from: number, count: number, token: string) =>
  postPlantedEvents(collector.url, token, { tag, from, count, baseMs: BASE_MS })

const waitStored = (count: number) =>
  waitForCount(
    store,
    `SELECT count() AS n FROM ${store.database}.audit_events WHERE tenant_id = 'acme'`,
    count,
  )

async function storedIds(): Promise<string[]> {
  const rows = await queryRows<{ event_id: string }>(
    store,
    `SELECT DISTINCT event_id FROM ${store.database}.audit_events WHERE tenant_id = 'acme' ORDER BY event_id`,
  )
  return rows.map((row) => row.event_id)
}

const hecIds = () => hec.events.map((event) => (event.event as ExportRecord).id)

async function lakeRecords(count: number): Promise<ExportEvent[]> {
  return jsonValues<ExportEvent>(await readTopic(kafka, exportTopic, count, { settleMs: 1_500 }))
}

async function startPipeline(): Promise<Runtime> {
  return startTestRuntime(config, store, { services: ['normalizer', 'exporter'] }, new Lifecycle(logger))
}

beforeAll(async () => {
  store = openTestStore()
  await migrate(store, logger)
  collector = await startTestCollector(brokers)
  hec = await startHecReceiver([{ value: HEC_TOKEN, indexes: ['main', 'mcp'] }])
  exportTopic = `test.export.${collector.topics.raw.split('.').pop()}`
  config = AppConfig.parse({
    kafka: { brokers, topics: collector.topics, partitions: 3 },
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `export-test-${exportTopic}`, workers: 0, batchMaxWaitMs: 200 },
    tenants: [{ id: 'acme' }, { id: 'slow' }],
    alerts: { allowPrivateNetworks: ['127.0.0.0/8'] },
    export: {
      batchMaxRows: 50,
      batchMaxWaitMs: 200,
      pollMs: 100,
      unhealthyAfterSeconds: 1,
      sinks: [
        // Events only: alerts and reports at these sinks are export-records.int.test.ts's.
        { name: 'lake', type: 'kafka', brokers, topic: exportTopic, tenants: ['acme'], records: ['event'] },
        {
          name: 'soc',
          type: 'splunk-hec',
          url: hec.url,
          token: HEC_TOKEN,
          index: 'mcp',
          tenants: ['acme'],
          records: ['event'],
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

describe('exporter: collector → Kafka → normalizer → ClickHouse → sinks', () => {
  it('sends exactly the stored, redacted events of its tenants to a Kafka topic and to Splunk HEC', async () => {
    const runtime = await startPipeline()
    try {
      await send('acme', 0, 300, TOKENS.acmeIngest)
      await send('slow', 0, 5, TOKENS.slowIngest)
      await waitStored(300)
      const stored = await storedIds()
      expect(stored).toHaveLength(300)

      await waitFor(() => hec.events.length, {
        description: '300 events at HEC',
        timeoutMs: 60_000,
        until: (n) => n >= 300,
      })
      const lake = await lakeRecords(300)
      for (const received of [hecIds(), lake.map((record) => record.id)]) {
        expect(received).toHaveLength(300)
        expect([...received].sort()).toEqual(stored)
      }
      // Redacted as stored: none of the planted values left anywhere in what left the system.
      const wire = JSON.stringify([hec.events, lake])
      for (const value of PLANTED) expect(wire).not.toContain(value)
      for (const record of lake) {
        expect(ExportRecord.parse(record)).toEqual(record)
        expect(record.tenant_id).toBe('acme')
        expect(record.user.id_kind).toBe('pseudonym')
        expect(record.redaction.count).toBeGreaterThan(0)
      }
      expect(hec.events.every((event) => event.index === 'mcp' && event.fields?.tenant_id === 'acme')).toBe(
        true,
      )
    } finally {
      await runtime.stop('test')
    }
  })

  it('pauses a failing sink alone, and resumes from its checkpoint after a restart without losing or repeating an event', async () => {
    const runtime = await startPipeline()
    hec.busy = true
    try {
      await send('acme', 300, 200, TOKENS.acmeIngest)
      await waitStored(500)
      // The Kafka sink goes on while HEC answers 503.
      await lakeRecords(500)
      expect(hec.answers.some((answer) => answer.status === 503 && answer.code === 9)).toBe(true)
      const readiness = await waitFor(() => runtime.readiness(), {
        description: 'the HEC sink to be reported not ready',
        until: (state) => state.reasons.some((reason) => reason.includes('sink soc (splunk-hec) has failed')),
      })
      expect(readiness.reasons.join('\n')).not.toContain(HEC_TOKEN)
      const metrics = await runtime.context.registry.getSingleMetricAsString('mcp_audit_export_lag_messages')
      expect(metrics).toMatch(/sink="soc"} [1-9]/)
      expect(hec.events).toHaveLength(300)
    } finally {
      await runtime.stop('test')
    }

    hec.busy = false
    const restarted = await startPipeline()
    try {
      await waitFor(() => hec.events.length, {
        description: '500 events at HEC',
        timeoutMs: 60_000,
        until: (n) => n >= 500,
      })
      // Settle: anything sent twice would show up now.
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      const stored = await storedIds()
      expect(stored).toHaveLength(500)
      expect(hecIds()).toHaveLength(500)
      expect([...hecIds()].sort()).toEqual(stored)
      const lake = await lakeRecords(500)
      expect(lake).toHaveLength(500)
      expect(new Set(lake.map((record) => record.id)).size).toBe(500)
    } finally {
      await restarted.stop('test')
    }
  })

  it('replays a time range to one sink without moving its checkpoint', async () => {
    const before = await readCheckpoint(store, 'soc')
    const sent = await replayToSink({
      config,
      store,
      brokers,
      sinkName: 'soc',
      fromMs: BASE_MS + 10_000,
      toMs: BASE_MS + 130_000,
      logger,
    })
    expect(sent).toBe(120)
    expect(hecIds().slice(500)).toEqual(
      Array.from({ length: 120 }, (_, k) => `acme-${String(10 + k).padStart(5, '0')}`),
    )
    expect(await readCheckpoint(store, 'soc')).toEqual(before)
  })
})
