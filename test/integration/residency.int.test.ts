import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import type { DetectorHandle } from '../../services/detector/service.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { createReports, loadSigningKey, type Reports } from '../../services/reporter/index.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'

/**
 * Items 1 and 2 of issue 17 through the real pipeline: gateway records → collector → Kafka →
 * normalizer (region and TLS from the record, else from tenants[].residency and serverTls) →
 * embedded store → the report's data-residency and transport-encryption checks, and the
 * mcp-call-outside-allowed-region rule.
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const noAudit = { record: () => undefined, flush: () => Promise.resolve(), stop: () => Promise.resolve() }
const WINDOW_MS = 5 * 60_000
const HOUR_MS = 3_600_000
const RULE = 'mcp-call-outside-allowed-region'

const str = (value: string) => ({ stringValue: value })

/** OTLP logs of one gateway whose resource says where it runs; every call over https. */
function otlpCalls(region: string, server: string, tool: string, times: number[], prefix: string) {
  return {
    resource: { attributes: [{ key: 'cloud.region', value: str(region) }] },
    scopeLogs: [
      {
        logRecords: times.map((time, i) => ({
          timeUnixNano: `${time}000000`,
          attributes: [
            { key: 'log.record.uid', value: str(`${prefix}-${i}`) },
            { key: 'mcp.method.name', value: str('tools/call') },
            { key: 'gen_ai.tool.name', value: str(tool) },
            { key: 'mcp.server.name', value: str(server) },
            { key: 'enduser.id', value: str('li.wei@example.cn') },
            { key: 'url.scheme', value: str('https') },
          ],
        })),
      },
    ],
  }
}

function genericCall(id: string, time: number, server: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: id,
    timestamp: new Date(time).toISOString(),
    method: 'tools/call',
    server: { name: server },
    tool: 'read',
    user: { id: 'li.wei@example.cn', auth_method: 'oauth2' },
    status: 'success',
    ...extra,
  }
}

interface ReportCheck {
  id: string
  status: string
  summary: string
  evidence: string[]
}

describe('data residency and encryption in transit, end to end', () => {
  let store: TestStore
  let collector: TestCollector
  let detector: DetectorHandle
  let reports: Reports
  const lifecycle = new Lifecycle(logger)
  // The current 5-minute bucket: the rule's window, not yet judged by the scheduler.
  const bucketStart = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS
  const earlier = bucketStart - 3 * HOUR_MS

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    collector = await startTestCollector(brokers)
    const config = AppConfig.parse({
      ...collector.config,
      dataDir: store.dataDir,
      clickhouse: { database: store.database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `residency-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
      detector: { intervalMs: 3_600_000, lagMs: 0 },
      tenants: collector.config.tenants.map((tenant) =>
        tenant.id === 'acme'
          ? {
              ...tenant,
              residency: { allowedRegions: ['cn-north-1'], serverRegions: { 'erp-*': 'cn-north-1' } },
              serverTls: { 'erp-*': true },
            }
          : tenant,
      ),
    })
    const runtime = await startTestRuntime(config, store, { services: ['normalizer', 'detector'] }, lifecycle)
    detector = runtime.detector!
    reports = createReports({
      config,
      store,
      logger,
      selfAudit: noAudit,
      signingKey: loadSigningKey(config, logger),
    })

    const now = [0, 1, 2].map((i) => bucketStart + 1000 + i)
    const otlp = {
      resourceLogs: [
        otlpCalls('cn-north-1', 'crm-bj', 'lookup', now, 'bj'),
        otlpCalls('us-east-1', 'crm-us', 'export_contacts', now.slice(0, 2), 'us'),
      ],
    }
    expect((await post(`${collector.url}/v1/logs`, JSON.stringify(otlp))).status).toBe(202)
    // No region and no TLS flag from this gateway: the configuration answers for erp-*.
    const erp = [0, 1].map((i) => genericCall(`erp-${i}`, bucketStart + 2000 + i, 'erp-cn'))
    const clear = [
      genericCall('tls-0', earlier, 'crm-bj', { data_region: 'cn-north-1', tls: true }),
      ...[0, 1, 2].map((i) =>
        genericCall(`legacy-${i}`, earlier + i, 'legacy-fs', {
          data_region: 'cn-north-1',
          tls: false,
          attributes: { 'server.address': '10.20.0.7' },
        }),
      ),
      genericCall('cache-0', earlier + 5, 'local-cache', {
        data_region: 'cn-north-1',
        tls: false,
        attributes: { 'server.address': '127.0.0.1' },
      }),
    ]
    expect((await post(`${collector.url}/v1/events`, JSON.stringify([...erp, ...clear]))).status).toBe(202)
    await waitForCount(store, `SELECT count() AS n FROM ${store.database}.audit_events FINAL`, 12)
  })

  afterAll(async () => {
    await lifecycle.stop('test')
    await collector?.stop()
    await store?.dispose()
  })

  async function checksOf(from: number, to: number): Promise<Map<string, ReportCheck>> {
    const record = await reports.generate({
      tenantId: 'acme',
      from: new Date(from),
      to: new Date(to),
      formats: ['json'],
      requestedBy: 'auditor',
    })
    const file = await reports.file('acme', record.report_id, 'json')
    const json = JSON.parse(readFileSync(path.join(path.dirname(file!.path), 'report.json'), 'utf8')) as {
      checks: ReportCheck[]
    }
    return new Map(json.checks.map((check) => [check.id, check]))
  }

  it('stores the region and TLS flag from the record, else from the configuration', async () => {
    const rows = await queryRows<{ server_name: string; data_region: string; tls: boolean | null }>(
      store,
      `SELECT DISTINCT server_name, data_region, tls FROM ${store.database}.audit_events FINAL
       WHERE occurred_at >= {from:DateTime64(3, 'UTC')} ORDER BY server_name`,
      { from: new Date(bucketStart).toISOString().replace('T', ' ').replace('Z', '') },
    )
    expect(rows).toEqual([
      { server_name: 'crm-bj', data_region: 'cn-north-1', tls: true },
      { server_name: 'crm-us', data_region: 'us-east-1', tls: true },
      { server_name: 'erp-cn', data_region: 'cn-north-1', tls: true },
    ])
  })

  it('fails data-residency naming the server outside the allowed regions; all-TLS traffic passes', async () => {
    const checks = await checksOf(bucketStart - HOUR_MS, bucketStart + WINDOW_MS)
    const residency = checks.get('data-residency')!
    expect(residency.status).toBe('fail')
    expect(residency.summary).toBe(
      '2 calls ran outside the allowed regions, in us-east-1, on 1 server: crm-us',
    )
    expect(residency.evidence).toContain(
      'outside: server crm-us, tool export_contacts, region us-east-1: 2 calls',
    )
    expect(residency.evidence.join('\n')).not.toMatch(/crm-bj|erp-cn/)
    expect(checks.get('transport-encryption')).toMatchObject({
      status: 'pass',
      summary: 'all 7 calls over TLS',
    })
  })

  it('fails transport-encryption for a plaintext server off loopback, not for one on loopback', async () => {
    const checks = await checksOf(earlier - HOUR_MS, earlier + HOUR_MS)
    const transport = checks.get('transport-encryption')!
    expect(transport.status).toBe('fail')
    expect(transport.summary).toBe('3 calls went in clear to 1 server not on loopback: legacy-fs')
    expect(transport.evidence).toEqual([
      '20.00% of 5 calls over TLS; 4 in clear, 0 unknown',
      'plaintext: server legacy-fs: 3 calls',
      'plaintext: server local-cache: 1 call (loopback)',
    ])
    expect(checks.get('data-residency')?.status).toBe('pass')
  })

  it('fires mcp-call-outside-allowed-region once, for the server and region outside', async () => {
    await detector.scheduler.runOnce(new Date(bucketStart + WINDOW_MS + 1000))
    const alerts = await queryRows<{ group_values: Record<string, string>; count: number }>(
      store,
      `SELECT group_values, count FROM ${store.database}.alerts FINAL WHERE rule_id = {rule:String}`,
      { rule: RULE },
    )
    expect(alerts).toHaveLength(1)
    expect(alerts[0]!.group_values).toMatchObject({ server_name: 'crm-us', data_region: 'us-east-1' })
  })
})
