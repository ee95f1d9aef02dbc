import { describe, expect, it } from 'vitest'
import { SinkConfig } from '../../schemas/export.js'
import type { ExportSinkStatus } from '../platform/store/export-sink-status.js'
import { liveView, savedView, scrubSecrets, sinksOfTenant, type LiveSinkStatus } from './export-status.js'

const hec = SinkConfig.parse({
  name: 'soc',
  type: 'splunk-hec',
  url: 'https://ingest:s3cr3t-pass@splunk.example:8088',
  token: 'hec-token-0123456789',
  tenants: ['acme'],
})
const lake = SinkConfig.parse({ name: 'lake', type: 'kafka', topic: 'mcp.audit.export', tenants: ['*'] })
const globex = SinkConfig.parse({ name: 'globex-soc', type: 'kafka', topic: 'g', tenants: ['globex'] })
const single = SinkConfig.parse({ name: 'only', type: 'kafka', topic: 'o' })

const NOW = Date.parse('2026-12-03T20:00:00.000Z')
const live = (over: Partial<LiveSinkStatus> = {}): LiveSinkStatus => ({
  name: 'soc',
  lag: 0,
  failingSinceMs: undefined,
  lastError: undefined,
  lastSuccessMs: NOW - 1_000,
  recordsPerSecond: 123.456,
  ...over,
})
const saved = (over: Partial<ExportSinkStatus> = {}): ExportSinkStatus => ({
  name: 'soc',
  type: 'splunk-hec',
  records: ['event'],
  lag: 60,
  paused: false,
  lastError: null,
  lastSuccessAt: '2026-12-03T19:59:50.000Z',
  failingSince: null,
  lagging: false,
  sentTotal: { event: 1200 },
  recordsPerSecond: 41.26,
  updatedAt: '2026-12-03T19:59:56.000Z',
  reporting: true,
  ...over,
})

describe('sinksOfTenant', () => {
  it('keeps the sinks that list the tenant or "*", and those without tenants (one-tenant configs)', () => {
    const sinks = [hec, lake, globex, single]
    expect(sinksOfTenant(sinks, 'acme').map((s) => s.name)).toEqual(['soc', 'lake', 'only'])
    expect(sinksOfTenant(sinks, 'globex').map((s) => s.name)).toEqual(['lake', 'globex-soc', 'only'])
  })
})

describe('scrubSecrets', () => {
  it("removes the sink's token, URL userinfo and any URL's userinfo from an error", () => {
    const message =
      'POST https://ingest:s3cr3t-pass@splunk.example:8088/services/collector/event: 403 invalid token hec-token-0123456789; s3cr3t-pass'
    const scrubbed = scrubSecrets(message, hec)
    expect(scrubbed).toBe(
      'POST https://[redacted]@splunk.example:8088/services/collector/event: 403 invalid token [redacted]; [redacted]',
    )
  })
})

describe('liveView', () => {
  it('is ok with the rounded throughput and no secret in the answer', () => {
    const view = liveView(hec, live(), 300_000, NOW)
    expect(view).toEqual({
      name: 'soc',
      type: 'splunk-hec',
      tenants: ['acme'],
      status: 'ok',
      lag: 0,
      last_error: null,
      last_success: '2026-12-03T19:59:59.000Z',
      failing_since: null,
      throughput_per_second: 123.5,
      source: 'live',
      status_updated_at: '2026-12-03T20:00:00.000Z',
      status_age_seconds: 0,
    })
    expect(JSON.stringify(view)).not.toMatch(/hec-token|s3cr3t|splunk\.example/)
  })

  it('is paused while it retries, failing once the trouble lasted unhealthyAfter', () => {
    const failing = live({ failingSinceMs: NOW - 10_000, lastError: 'HEC 503: server busy' })
    expect(liveView(hec, failing, 300_000, NOW)).toMatchObject({
      status: 'paused',
      last_error: 'HEC 503: server busy',
      failing_since: '2026-12-03T19:59:50.000Z',
    })
    expect(liveView(hec, failing, 5_000, NOW).status).toBe('failing')
  })
})

describe('savedView', () => {
  it("shows what the exporter saved, with the status's age", () => {
    expect(savedView(lake, saved({ name: 'lake' }), 300_000, NOW)).toEqual({
      name: 'lake',
      type: 'kafka',
      tenants: ['*'],
      status: 'ok',
      lag: 60,
      last_error: null,
      last_success: '2026-12-03T19:59:50.000Z',
      failing_since: null,
      throughput_per_second: 41.3,
      source: 'store',
      status_updated_at: '2026-12-03T19:59:56.000Z',
      status_age_seconds: 4,
    })
  })

  it("judges a failure the exporter saw as live does, and keeps the sink's secrets out of its error", () => {
    const failing = saved({
      failingSince: '2026-12-03T19:59:00.000Z',
      lastError:
        'POST https://ingest:s3cr3t-pass@splunk.example:8088: 403 invalid token hec-token-0123456789',
    })
    const view = savedView(hec, failing, 300_000, NOW)
    expect(view).toMatchObject({ status: 'paused', failing_since: '2026-12-03T19:59:00.000Z' })
    expect(view.last_error).toBe('POST https://[redacted]@splunk.example:8088: 403 invalid token [redacted]')
    expect(savedView(hec, failing, 30_000, NOW).status).toBe('failing')
  })

  it('is unknown when no exporter saved the sink lately, with the last values and their age', () => {
    const stale = saved({ updatedAt: '2026-12-03T19:00:00.000Z', reporting: false, recordsPerSecond: 0 })
    expect(savedView(hec, stale, 300_000, NOW)).toMatchObject({
      status: 'unknown',
      lag: 60,
      throughput_per_second: 0,
      status_age_seconds: 3600,
    })
    const never = saved({ lag: null, lastSuccessAt: null, updatedAt: null, reporting: false })
    for (const status of [never, undefined]) {
      expect(savedView(hec, status, 300_000, NOW)).toMatchObject({
        status: 'unknown',
        lag: null,
        throughput_per_second: null,
        status_updated_at: null,
        status_age_seconds: null,
      })
    }
  })
})
