import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { ExportRecord, RecordKind } from '../../schemas/export-record.js'
import { storedEventFixture } from '../../test/helpers/stored-event.js'
import { readyReportFixture, storedAlertFixture } from '../../test/helpers/stored-notice.js'
import { createLogger } from '../platform/logger.js'
import { exportMetrics } from './metrics.js'
import { toExportAlert, toExportEvent, toExportReport } from './record.js'
import { createSinkRunner } from './sink-runner.js'
import type { Sink } from './sinks/index.js'
import type { RecordStream } from './stream.js'

const RECORDS: Record<RecordKind, ExportRecord> = {
  event: toExportEvent(storedEventFixture()),
  alert: toExportAlert(storedAlertFixture(), 'http://127.0.0.1:8080'),
  report: toExportReport(readyReportFixture(), undefined),
}

/** A stream with one record to send until it went. */
function oneRecordStream(kind: RecordKind): RecordStream & { sent: boolean; passes: number } {
  const stream = {
    kind,
    sent: false,
    passes: 0,
    async pass(deliver: Parameters<RecordStream['pass']>[0], paused: () => boolean) {
      stream.passes += 1
      if (stream.sent || paused()) return 'idle' as const
      if (!(await deliver(kind, [RECORDS[kind]]))) return 'failed' as const
      stream.sent = true
      return 'sent' as const
    },
    flush: () => Promise.resolve(),
    lag: () => (kind === 'event' ? 0 : undefined),
    blocked: () => undefined,
  }
  return stream
}

function fakeSink(): Sink & { down: boolean; received: ExportRecord[] } {
  const sink = {
    name: 'soc',
    type: 'splunk-hec',
    down: true,
    received: [] as ExportRecord[],
    send(records: readonly ExportRecord[]) {
      if (sink.down)
        return Promise.reject(Object.assign(new Error('connection refused'), { retryable: true }))
      sink.received.push(...records)
      return Promise.resolve()
    },
    close: () => Promise.resolve(),
  }
  return sink
}

describe('a sink runner with several kinds of record', () => {
  it('pauses every kind of a failing sink together, then sends each kind and counts it', async () => {
    let nowMs = 1_000_000
    const sink = fakeSink()
    const streams = (['event', 'alert', 'report'] as const).map(oneRecordStream)
    const registry = new Registry()
    const runner = createSinkRunner({
      sink,
      streams,
      pollMs: 60_000,
      unhealthyAfterMs: 30_000,
      backoff: { baseMs: 1_000, maxMs: 1_000, factor: 1 },
      logger: createLogger({ level: 'silent' }),
      metrics: exportMetrics(registry),
      now: () => nowMs,
    })

    await runner.runPass()
    // The first kind's failure ends the pass: the others wait for the retry instead of failing too.
    expect(streams.map((stream) => stream.passes)).toEqual([1, 0, 0])
    await runner.runPass()
    expect(streams.map((stream) => stream.sent)).toEqual([false, false, false])
    expect(runner.status()).toMatchObject({
      paused: true,
      failingSinceMs: 1_000_000,
      lastError: 'connection refused',
    })
    nowMs += 31_000
    expect(runner.health().healthy).toBe(false)

    sink.down = false
    await runner.runPass()
    expect(sink.received.map((record) => record.kind)).toEqual(['event', 'alert', 'report'])
    expect(runner.status()).toMatchObject({
      records: ['event', 'alert', 'report'],
      paused: false,
      failingSinceMs: undefined,
      lastError: undefined,
      sentTotal: { event: 1, alert: 1, report: 1 },
      recordsPerSecond: 3 / 60,
    })
    expect(runner.health().healthy).toBe(true)
    const counted = await registry.getSingleMetricAsString('mcp_audit_export_records_total')
    for (const kind of ['event', 'alert', 'report']) expect(counted).toContain(`kind="${kind}"} 1`)
  })
})
