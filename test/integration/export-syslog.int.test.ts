import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { ExportEvent } from '../../schemas/export-record.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { toExportEvent } from '../../services/exporter/record.js'
import { sendFailure } from '../../services/exporter/sinks/index.js'
import { createSyslogSink } from '../../services/exporter/sinks/syslog.js'
import { SyslogSinkConfig } from '../../schemas/export.js'
import { parseAllowList } from '../../services/webhooks/ssrf.js'
import { storedEventFixture } from '../helpers/stored-event.js'
import type { Runtime } from '../../services/runtime/index.js'
import { startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { PLANTED_PII, postPlantedEvents } from '../helpers/export-events.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { startRsyslog, type Rsyslog } from '../helpers/receivers/rsyslog.js'
import { parseCef, parseLeef, parseRfc5424, type SyslogMessage } from '../helpers/receivers/syslog-parse.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The syslog sink in the real pipeline: events posted to the collector go through Kafka and the
 * normalizer into embedded ClickHouse, and the exporter sends the stored rows to a real rsyslog
 * as RFC 5424 with the JSON record (octet counting), CEF (LF framing) and LEEF 2.0 over TCP, and as
 * RFC 5424 with the ECS document over TLS (verified against the receiver's own certificate).
 * Each sink has its own APP-NAME, so the receiver's file tells them apart.
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const PLANTED = [...PLANTED_PII, '198.51.100.7']
const BASE_MS = Date.now() - 3_600_000
const APPS = { json: 'mcp-json', cef: 'mcp-cef', leef: 'mcp-leef', ecs: 'mcp-ecs' } as const
type SinkKey = keyof typeof APPS

let store: TestStore
let collector: TestCollector
let plain: Rsyslog
let secure: Rsyslog
let config: AppConfig

/** Calls from a documentation address, every tenth denied (syslog and CEF severity differ). */
const send = (tag: string, from: number, count: number, token: string) =>
  postPlantedEvents(collector.url, token, {
    tag,
    from,
    count,
    baseMs: BASE_MS,
    extra: (i) => ({ source_ip: '198.51.100.7', status: i % 10 === 0 ? 'denied' : 'success' }),
  })

async function storedIds(count: number): Promise<string[]> {
  await waitForCount(
    store,
    `SELECT count() AS n FROM ${store.database}.audit_events WHERE tenant_id = 'acme'`,
    count,
  )
  const rows = await queryRows<{ event_id: string }>(
    store,
    `SELECT DISTINCT event_id FROM ${store.database}.audit_events WHERE tenant_id = 'acme' ORDER BY event_id`,
  )
  return rows.map((row) => row.event_id)
}

/** What each sink's receiver got, parsed: the syslog message and the event id it carries. */
function received(): Record<SinkKey, Array<{ syslog: SyslogMessage; id: string; line: string }>> {
  const bySink: Record<SinkKey, Array<{ syslog: SyslogMessage; id: string; line: string }>> = {
    json: [],
    cef: [],
    leef: [],
    ecs: [],
  }
  for (const line of [...plain.messages(), ...secure.messages()]) {
    const syslog = parseRfc5424(line)
    const key = (Object.keys(APPS) as SinkKey[]).find((name) => APPS[name] === syslog.appName)
    if (!key) throw new Error(`a message from an unknown app: ${line}`)
    const id =
      key === 'cef'
        ? parseCef(syslog.msg).extension.externalId
        : key === 'leef'
          ? parseLeef(syslog.msg).attributes.externalId
          : syslog.structuredData.get('mcp-audit@32473')?.event_id
    if (id === undefined) throw new Error(`no event id in ${line}`)
    bySink[key].push({ syslog, id, line })
  }
  return bySink
}

const allArrived = (count: number) =>
  waitFor(received, {
    description: `${count} distinct events at each of the four syslog sinks`,
    timeoutMs: 90_000,
    until: (bySink) =>
      Object.values(bySink).every((messages) => new Set(messages.map((m) => m.id)).size >= count),
  })

async function startPipeline(): Promise<Runtime> {
  return startTestRuntime(config, store, { services: ['normalizer', 'exporter'] }, new Lifecycle(logger))
}

beforeAll(async () => {
  store = openTestStore()
  await migrate(store, logger)
  collector = await startTestCollector(brokers)
  plain = await startRsyslog()
  secure = await startRsyslog({ tls: true })
  const sink = (name: SinkKey, extra: Record<string, unknown>) => ({
    name,
    type: 'syslog',
    url: plain.url,
    appName: APPS[name],
    hostname: 'mcp-audit-test',
    tenants: ['acme'],
    startFrom: 'earliest',
    ...extra,
  })
  config = AppConfig.parse({
    kafka: { brokers, topics: collector.topics, partitions: 3 },
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `export-syslog-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
    tenants: [{ id: 'acme' }, { id: 'slow' }],
    alerts: { allowPrivateNetworks: ['127.0.0.0/8'] },
    export: {
      batchMaxRows: 50,
      batchMaxWaitMs: 200,
      pollMs: 100,
      sinks: [
        sink('json', { format: 'rfc5424' }),
        sink('cef', { format: 'cef', framing: 'lf' }),
        sink('leef', { format: 'leef' }),
        sink('ecs', { url: secure.url, format: 'rfc5424', schema: 'ecs', tls: { caFile: secure.caFile } }),
      ],
    },
  })
}, 120_000)

afterAll(async () => {
  await collector?.stop()
  await plain?.close()
  await secure?.close()
  await store?.dispose()
})

describe('syslog export: collector → Kafka → normalizer → ClickHouse → exporter → rsyslog', () => {
  it('delivers every stored, redacted event of its tenants as RFC 5424 JSON, CEF and LEEF over TCP and as ECS over TLS', async () => {
    const runtime = await startPipeline()
    try {
      await send('acme', 0, 120, TOKENS.acmeIngest)
      await send('slow', 0, 5, TOKENS.slowIngest)
      const stored = await storedIds(120)
      const bySink = await allArrived(120)

      for (const messages of Object.values(bySink)) {
        expect([...new Set(messages.map((m) => m.id))].sort()).toEqual(stored)
        for (const { syslog, line } of messages) {
          expect(syslog).toMatchObject({ version: 1, hostname: 'mcp-audit-test', msgId: 'tools/call' })
          // local0: 134 informational for a successful call, 132 warning for a denied one.
          expect([134, 132]).toContain(syslog.pri)
          for (const value of PLANTED) expect(line).not.toContain(value)
        }
      }

      const json = bySink.json.map(({ syslog }) =>
        ExportEvent.parse(JSON.parse(syslog.msg.replace(/^\ufeff/, ''))),
      )
      expect(json.every((record) => record.tenant_id === 'acme' && record.redaction.count > 0)).toBe(true)
      expect(json.every((record) => record.arguments.excerpt.includes('[EMAIL'))).toBe(true)

      const cef = bySink.cef.map(({ syslog }) => parseCef(syslog.msg))
      expect(cef[0]).toMatchObject({ vendor: 'mcp-audit', signatureId: 'tools/call' })
      expect(cef.every((event) => event.extension.cs5 === 'acme' && Number(event.extension.cn1) > 0)).toBe(
        true,
      )
      expect(cef.find((event) => event.extension.externalId === 'acme-00010')).toMatchObject({
        severity: '7',
        extension: {
          outcome: 'failure',
          flexString1Label: 'sourceAddress',
          flexString1: expect.stringMatching(/^\[IP_ADDRESS/),
          cs6: 'denied',
        },
      })

      const leef = bySink.leef.map(({ syslog }) => parseLeef(syslog.msg))
      expect(
        leef.every(
          (event) =>
            event.attributes.tenant === 'acme' &&
            event.attributes.sourceAddress?.startsWith('[IP_ADDRESS') === true,
        ),
      ).toBe(true)
      expect(leef.find((event) => event.attributes.externalId === 'acme-00010')?.attributes).toMatchObject({
        cat: 'denied',
        sev: '7',
      })

      const ecs = bySink.ecs.map(
        ({ syslog }) =>
          JSON.parse(syslog.msg.replace(/^\ufeff/, '')) as {
            event: { id: string }
            organization: { id: string }
          },
      )
      expect(ecs.every((doc) => doc.organization.id === 'acme')).toBe(true)
      expect(bySink.ecs[0]?.syslog.structuredData.get('mcp-audit@32473')?.schema).toBe('ecs')
    } finally {
      await runtime.stop('test')
    }
  })

  it('loses no event while the receiver is down: the sink retries, reconnects and sends the rest', async () => {
    const runtime = await startPipeline()
    try {
      await allArrived(120)
      await plain.stop()
      await send('acme', 120, 80, TOKENS.acmeIngest)
      await storedIds(200)
      await waitFor(() => runtime.exporter?.status().find((sink) => sink.name === 'json'), {
        description: 'the json sink to fail against the stopped receiver',
        until: (status) => status?.lastError !== undefined && /cannot connect/.test(status.lastError),
      })
      await plain.start()
      const bySink = await allArrived(200)
      const stored = await storedIds(200)
      for (const [name, messages] of Object.entries(bySink)) {
        const ids = messages.map((m) => m.id)
        expect([...new Set(ids)].sort(), name).toEqual(stored)
        // A batch is repeated only when a write failed after part of it went out: counted here.
        console.info(`syslog sink ${name}: ${ids.length} messages for ${stored.length} events`)
      }
    } finally {
      await runtime.stop('test')
    }
  })

  it('verifies the receiver certificate by default: without its CA the TLS sink refuses to send', async () => {
    const sink = createSyslogSink({
      config: SyslogSinkConfig.parse({ name: 'no-ca', type: 'syslog', url: secure.url }),
      allowList: parseAllowList(['127.0.0.0/8']),
      logger,
    })
    const before = secure.messages().length
    try {
      const failure = await sink.send([toExportEvent(storedEventFixture())]).then(
        () => undefined,
        (err: unknown) => sendFailure(err),
      )
      expect(failure).toMatchObject({
        retryable: false,
        message: expect.stringMatching(/failed TLS verification .*set tls\.caFile/),
      })
      expect(secure.messages()).toHaveLength(before)
    } finally {
      await sink.close()
    }
  })
})
