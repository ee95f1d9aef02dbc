import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppConfig } from '../schemas/config.js'
import { createSealer, verifyStore, type VerifyResult } from '../services/integrity/index.js'
import { openStore } from '../services/platform/clickhouse.js'
import { createLogger } from '../services/platform/logger.js'
import { migrate } from '../services/platform/migrations.js'
import { benchSealKey } from './lib/seal-key.js'
import { endOffsets, fillStoredRows } from './lib/stored-rows.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'

/**
 * Issue 14: `verify-store` over a month of one tenant. The month's rows are made in SQL (INSERT …
 * SELECT from numbers()), spread over three partitions' offsets; the sealer's own code seals them
 * in ranges, as it would have while they arrived; then `verifyStore` checks the month, timed.
 */

const PARTITIONS = 3
const MONTH_START = Date.UTC(2026, 10, 1)
const MONTH_MS = 30 * 86_400_000

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
      await fillStoredRows(
        store,
        { rows, tenant: 'bench', partitions: PARTITIONS, fromMs: MONTH_START, spanMs: MONTH_MS },
        (message) => ctx.progress(`integrity: ${message}`),
      )
      const storeMs = Date.now() - at

      const key = benchSealKey()
      // A thousand seals per partition: the 60 s interval would make ~43,000 smaller ones a month,
      // which changes only the header pass of verification (one row per seal), not the leaves.
      const perSeal = Math.ceil(rows / PARTITIONS / 1_000)
      const sealer = createSealer({ store, key, logger, intervalSeconds: 60, maxOffsetsPerSeal: perSeal })
      sealer.committed(
        [...endOffsets(rows, PARTITIONS)].map(([partition, offset]) => ({
          partition,
          offset: String(offset),
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
