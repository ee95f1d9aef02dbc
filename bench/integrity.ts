import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppConfig } from '../schemas/config.js'
import { createSealer, verifyStore, type VerifyResult } from '../services/integrity/index.js'
import { openStore, type Store } from '../services/platform/clickhouse.js'
import { createLogger } from '../services/platform/logger.js'
import { migrate } from '../services/platform/migrations.js'
import { benchSealKey } from './lib/seal-key.js'
import { auditEventsTable } from '../services/platform/store/audit-events.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'

/**
 * Issue 14: `verify-store` over a month of one tenant. The month's rows are made in SQL (INSERT …
 * SELECT from numbers()), spread over three partitions' offsets; the sealer's own code seals them
 * in ranges, as it would have while they arrived; then `verifyStore` checks the month, timed.
 */

const PARTITIONS = 3
const MONTH_START = Date.UTC(2026, 10, 1)
const MONTH_MS = 30 * 86_400_000
const INSERT_CHUNK = 1_000_000

async function fillMonth(store: Store, rows: number, progress: (message: string) => void): Promise<void> {
  const table = auditEventsTable(store).name
  for (let start = 0; start < rows; start += INSERT_CHUNK) {
    const count = Math.min(INSERT_CHUNK, rows - start)
    progress(`integrity: storing rows ${start.toLocaleString('en')}…${(start + count).toLocaleString('en')}`)
    await store.client.command({
      query: `INSERT INTO ${table} (tenant_id, event_id, occurred_at, received_at, gateway, gateway_format, method,
          server_name, tool, session_id, user_id, user_id_kind, arguments, arguments_bytes, arguments_truncated,
          result, result_bytes, result_truncated, status, duration_ms, retention_until, source_partition, source_offset)
        SELECT 'bench', concat('evt-', leftPad(toString(number), 9, '0')),
          fromUnixTimestamp64Milli(toInt64({start_ms:UInt64} + intDiv(number * {month_ms:UInt64}, {rows:UInt64})), 'UTC') AS at,
          at, 'gw-1', 'generic', 'tools/call',
          ['github', 'filesystem', 'slack'][number % 3 + 1], ['create_issue', 'read_file', 'post_message'][number % 3 + 1],
          concat('s-', toString(intDiv(number, 20))), concat('u-', toString(number % 500)), 'pseudonym',
          concat('{"path":"/home/u', toString(number % 500), '/notes-', toString(number), '.txt"}'), 40, false,
          '{"content":[{"type":"text","text":"ok"}]}', 40, false,
          if(number % 10 = 0, 'error', 'success'), number % 200, toDate('2028-12-01'),
          number % ${PARTITIONS}, intDiv(number, ${PARTITIONS})
        FROM numbers({first:UInt64}, {count:UInt64})`,
      query_params: { start_ms: MONTH_START, month_ms: MONTH_MS, rows, first: start, count },
      // The embedded session keeps the previous insert's deduplication token: each chunk names its own.
      clickhouse_settings: { insert_deduplication_token: randomUUID() },
    })
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1)
}

async function runIntegrityBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  // One size per run: the embedded engine serves one store directory per process.
  const counts = ctx.quick ? [1_000_000] : [10_000_000]
  const rowsOut: string[][] = []
  const problems: string[] = []
  for (const rows of counts) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-bench-integrity-'))
    ctx.defer(`integrity store ${rows}`, () => rmSync(dataDir, { recursive: true, force: true }))
    const store = openStore(AppConfig.parse({ dataDir, clickhouse: { database: 'mcp_audit_bench' } }))
    const logger = createLogger({ level: 'silent' })
    try {
      await migrate(store, logger)
      let at = Date.now()
      await fillMonth(store, rows, ctx.progress)
      const storeMs = Date.now() - at

      const key = benchSealKey()
      // A thousand seals per partition: the 60 s interval would make ~43,000 smaller ones a month,
      // which changes only the header pass of verification (one row per seal), not the leaves.
      const perSeal = Math.ceil(rows / PARTITIONS / 1_000)
      const sealer = createSealer({ store, key, logger, intervalSeconds: 60, maxOffsetsPerSeal: perSeal })
      sealer.committed(
        Array.from({ length: PARTITIONS }, (_, partition) => ({
          partition,
          offset: String(Math.ceil((rows - partition) / PARTITIONS)),
        })),
      )
      ctx.progress(`integrity: sealing ${rows.toLocaleString('en')} rows`)
      at = Date.now()
      const seals = await sealer.sealNow()
      const sealMs = Date.now() - at

      ctx.progress(`integrity: verifying the month`)
      at = Date.now()
      const result: VerifyResult = await verifyStore(store, {
        tenantId: 'bench',
        from: new Date(MONTH_START),
        to: new Date(MONTH_START + MONTH_MS),
        publicKey: key.publicKey,
      })
      const verifyMs = Date.now() - at
      if (!result.ok || result.rows !== rows) {
        problems.push(
          `${rows} rows: verify-store found ${result.problems.length} problem(s), ${result.rows} rows`,
        )
      }
      rowsOut.push([
        rows.toLocaleString('en'),
        seals.toLocaleString('en'),
        seconds(storeMs),
        seconds(sealMs),
        seconds(verifyMs),
        Math.round(rows / (verifyMs / 1000)).toLocaleString('en'),
        result.ok ? 'intact' : 'PROBLEMS',
      ])
    } finally {
      await store.close()
    }
  }
  return {
    sections: [
      {
        title: 'verify-store over one tenant-month (embedded store)',
        description:
          'Rows made in SQL over three partitions, sealed by the sealer in ranges, then verifyStore over the month (seals, chains, signatures, every leaf recomputed).',
        table: {
          headers: ['rows', 'seals', 'store s', 'seal s', 'verify s', 'rows/s verified', 'result'],
          rows: rowsOut,
          numeric: [0, 1, 2, 3, 4, 5],
        },
        notes: ['Target (issue 14): a month of 10 million events verified in under a minute.'],
      },
    ],
    problems,
  }
}

export const integrityBenchmark: Benchmark = {
  name: 'integrity',
  summary:
    'issue 14: verify-store over a month of one tenant (1 M and 10 M rows), sealed the way the sealer seals',
  run: runIntegrityBenchmark,
}
