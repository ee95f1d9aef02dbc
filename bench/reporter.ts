import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppConfig } from '../schemas/config.js'
import { openStore } from '../services/platform/clickhouse.js'
import { createLogger } from '../services/platform/logger.js'
import { migrate } from '../services/platform/migrations.js'
import { createLoggingSelfAudit } from '../services/platform/self-audit.js'
import { collectReportData } from '../services/reporter/collect.js'
import { reportText } from '../services/reporter/i18n/index.js'
import { createReports, loadSigningKey } from '../services/reporter/index.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'

/**
 * Time to generate a monthly report (every format, every framework) over N events on the embedded
 * engine. The month is seeded with one INSERT … SELECT FROM numbers() (generating rows in JS would
 * take longer than the report), with collector receipts and alerts derived from it, and left
 * unmerged as a live table would be, so FINAL does real work.
 */

const FROM = new Date('2026-10-01T00:00:00Z')
const TO = new Date('2026-11-01T00:00:00Z')
/** Separate inserts, so the month sits in several parts the way a live table does. */
const SEED_CHUNKS = 10
const FRAMEWORKS = ['pci-dss', 'soc2', 'iso27001', 'hipaa', 'gdpr', 'nist-800-53', 'eu-ai-act'] as const

const SEED = `
INSERT INTO {database}.audit_events
  (tenant_id, event_id, occurred_at, received_at, ingested_at, gateway, gateway_format, method, server_name,
   server_version, server_transport, tool, client_name, client_version, user_id, user_id_kind, user_roles,
   auth_method, source_ip, status, error_class, duration_ms, decision, redaction_findings, retention_until)
SELECT 'bench', concat('ev-', toString(number)), t, t + toIntervalMillisecond(150), t + toIntervalMillisecond(900),
       concat('gw-', toString(number % 8)), 'generic', 'tools/call', concat('server-', toString(number % 20)),
       '1.0.0', 'http', concat('tool-', toString(number % 200)), concat('client-', toString(number % 30)), '1.0',
       lower(hex(cityHash64(number % 5000))), 'pseudonym', ['mcp-developer'],
       if(number % 97 = 0, '', 'oauth2'), '10.0.0.1',
       multiIf(number % 50 = 0, 'error', number % 71 = 0, 'denied', number % 113 = 0, 'timeout', 'success'),
       multiIf(number % 50 = 0, if(number % 100 = 0, 'tool_error', 'server_error'), number % 71 = 0, 'denied',
               number % 113 = 0, 'timeout', ''),
       (number % 997) / 3, 'allow', if(number % 37 = 0, map('email', 1), map()), toDate(t) + 730
FROM (SELECT number, toDateTime64({from:String}, 3, 'UTC') + toIntervalMillisecond(intDiv(number * {span_ms:UInt64}, {rows:UInt64})) AS t
      FROM numbers({offset:UInt64}, {count:UInt64}))`

const RECEIPTS = `
INSERT INTO {database}.ingest_receipts (receipt_id, tenant_id, gateway, minute, received_at, accepted, rejected)
SELECT concat(gateway, '-', toString(minute)), tenant_id, gateway, toStartOfMinute(occurred_at) AS minute,
       min(received_at), count(), 0
FROM {database}.audit_events WHERE tenant_id = 'bench' GROUP BY tenant_id, gateway, minute`

const ALERTS = `
INSERT INTO {database}.alerts (alert_id, tenant_id, rule_id, rule_title, rule_kind, severity, tags, group_key, group_values,
  count, value, first_seen, last_seen, sample_event_ids, summary, status, created_at, updated_at, updated_by)
SELECT concat('al-', toString(number)), 'bench', concat('rule-', toString(number % 12)), concat('Rule ', toString(number % 12)),
       'windowed', toInt8(number % 5), [], '', map(), 1 + number % 40, NULL,
       toDateTime64({from:String}, 3, 'UTC') + toIntervalMinute(number * 37), toDateTime64({from:String}, 3, 'UTC') + toIntervalMinute(number * 37 + 5),
       [], 'bench alert', toInt8(1 + number % 3), now64(3), now64(3), 'detector'
FROM numbers(1200)`

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1)
}

async function runReporterBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const rows = ctx.quick ? 1_000_000 : 10_000_000
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-bench-reporter-'))
  ctx.defer('remove the data dir', () => rmSync(dataDir, { recursive: true, force: true }))
  const logger = createLogger({ level: 'warn', pretty: false })
  const config = AppConfig.parse({
    dataDir,
    clickhouse: { database: 'mcp_audit_bench' },
    tenants: [{ id: 'bench', frameworks: [...FRAMEWORKS], timezone: 'UTC' }],
  })
  const store = openStore(config)
  ctx.defer('close the store', () => store.close())
  await migrate(store, logger)
  const sql = (text: string) => text.replaceAll('{database}', store.database)
  const params = { from: '2026-10-01 00:00:00', span_ms: TO.getTime() - FROM.getTime(), rows }

  ctx.progress(
    `seeding ${rows.toLocaleString('en-US')} events over October 2026 with INSERT … SELECT FROM numbers()`,
  )
  let started = performance.now()
  const chunk = rows / SEED_CHUNKS
  for (let offset = 0; offset < rows; offset += chunk) {
    await store.client.command({
      query: sql(SEED),
      query_params: { ...params, offset, count: chunk },
      // The embedded session keeps settings between queries: each insert names its own token.
      clickhouse_settings: { max_insert_threads: '2', insert_deduplication_token: `seed-${offset}` },
    })
  }
  const seedMs = performance.now() - started
  // Redelivered copies of 1% of the events, as after a normalizer crash: FINAL must collapse them.
  await store.client.command({
    query: sql(SEED),
    query_params: { ...params, offset: 0, count: rows / 100 },
    clickhouse_settings: { insert_deduplication_token: 'redelivered' },
  })
  await store.client.command({
    query: sql(RECEIPTS),
    clickhouse_settings: { insert_deduplication_token: 'receipts' },
  })
  await store.client.command({
    query: sql(ALERTS),
    query_params: params,
    clickhouse_settings: { insert_deduplication_token: 'alerts' },
  })
  const parts = await (
    await store.client.query({
      query: `SELECT count() AS parts FROM system.parts WHERE database = {db:String} AND table = 'audit_events' AND active`,
      query_params: { db: store.database },
      format: 'JSONEachRow',
    })
  ).json<{ parts: string }>()

  const reports = createReports({
    config,
    store,
    logger,
    selfAudit: createLoggingSelfAudit(logger),
    signingKey: loadSigningKey(config, logger),
  })
  const request = {
    tenantId: 'bench',
    from: FROM,
    to: TO,
    formats: ['pdf', 'html', 'csv', 'json'] as const,
    requestedBy: 'bench',
  }
  const runs: Array<{ label: string; ms: number; files: number; pdfBytes: number; calls: number }> = []
  for (const label of ['first run', 'second run']) {
    ctx.progress(`monthly report, ${label}`)
    started = performance.now()
    const record = await reports.generate({ ...request, formats: [...request.formats] })
    const ms = performance.now() - started
    const pdf = record.files.find((f) => f.kind === 'pdf')
    runs.push({ label, ms, files: record.files.length, pdfBytes: pdf?.bytes ?? 0, calls: 0 })
  }
  ctx.progress('queries alone')
  started = performance.now()
  const { data } = await collectReportData(store, {
    reportId: 'bench',
    name: 'bench',
    tenant: config.tenants[0]!,
    period: { from: FROM, to: TO },
    timezone: 'UTC',
    generatedAt: new Date(),
    generatedBy: 'bench',
    signingKeyId: 'bench',
    sealKeyConfig: config,
    text: reportText('en'),
    deployment: config,
  })
  const queryMs = performance.now() - started
  const problems =
    data.summary.calls === rows ? [] : [`the report counted ${data.summary.calls} calls, ${rows} were seeded`]

  return {
    sections: [
      {
        title: `Monthly report over ${rows.toLocaleString('en-US')} events (embedded ClickHouse, FINAL on unmerged parts)`,
        description: `October 2026, one tenant, all seven frameworks, formats pdf, html, csv and json; seeded in ${SEED_CHUNKS} inserts plus 1% redelivered duplicates; ${parts[0]?.parts ?? '?'} active parts in audit_events when the report ran.`,
        table: {
          headers: ['step', 'seconds', 'notes'],
          numeric: [1],
          rows: [
            [
              `seed (${SEED_CHUNKS} × INSERT … SELECT FROM numbers())`,
              seconds(seedMs),
              `${Math.round(rows / (seedMs / 1000)).toLocaleString('en-US')} rows/s`,
            ],
            ...runs.map((run) => [
              `generate report, ${run.label}`,
              seconds(run.ms),
              `${run.files} files, PDF ${Math.round(run.pdfBytes / 1024)} KiB`,
            ]),
            [
              'the report queries alone',
              seconds(queryMs),
              `${data.summary.calls.toLocaleString('en-US')} calls counted`,
            ],
          ],
        },
      },
    ],
    ...(problems.length > 0 ? { problems } : {}),
  }
}

export const reporterBenchmark: Benchmark = {
  name: 'reporter',
  summary: 'time to generate a monthly report (all formats and frameworks) over 10 million events',
  run: runReporterBenchmark,
}
