import { describe, expect, it } from 'vitest'
import { SinkConfig } from '../../schemas/export.js'
import { liveView, scrubSecrets, sinksOfTenant, storedView, type LiveSinkStatus } from './export-status.js'

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

describe('storedView', () => {
  const committed = new Map([
    [0, 100],
    [1, 50],
  ])
  it('computes the lag from the checkpoint and the committed offsets', () => {
    const checkpoint = { positions: new Map([[0, 90]]), updatedAtMs: NOW - 1_000 }
    expect(storedView(lake, checkpoint, committed, 300_000, NOW)).toEqual({
      name: 'lake',
      type: 'kafka',
      tenants: ['*'],
      status: 'ok',
      lag: 60,
      last_error: null,
      last_success: '2026-12-03T19:59:59.000Z',
      failing_since: null,
      throughput_per_second: null,
      source: 'store',
    })
  })

  it('is failing when behind with a checkpoint that has not moved for unhealthyAfter', () => {
    const old = { positions: new Map([[0, 90]]), updatedAtMs: NOW - 600_000 }
    expect(storedView(lake, old, committed, 300_000, NOW)).toMatchObject({
      status: 'failing',
      failing_since: '2026-12-03T19:50:00.000Z',
    })
    const caughtUp = {
      positions: new Map([
        [0, 100],
        [1, 50],
      ]),
      updatedAtMs: NOW - 600_000,
    }
    expect(storedView(lake, caughtUp, committed, 300_000, NOW)).toMatchObject({ status: 'ok', lag: 0 })
  })

  it('is unknown without a checkpoint or without the committed offsets', () => {
    const checkpoint = { positions: new Map([[0, 1]]), updatedAtMs: NOW }
    expect(storedView(lake, undefined, committed, 300_000, NOW)).toMatchObject({
      status: 'unknown',
      lag: null,
    })
    expect(storedView(lake, checkpoint, undefined, 300_000, NOW)).toMatchObject({
      status: 'unknown',
      lag: null,
    })
  })
})
