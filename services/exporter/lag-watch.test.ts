import { describe, expect, it } from 'vitest'
import { createLagWatch } from './lag-watch.js'
import type { SinkStatus } from './sink-runner.js'

const status = (overrides: Partial<SinkStatus> = {}): SinkStatus => ({
  name: 'soc',
  type: 'splunk-hec',
  records: ['event', 'alert', 'report'],
  lag: 10,
  paused: false,
  failingSinceMs: undefined,
  lastError: undefined,
  lastSuccessMs: 1_000,
  sentTotal: { event: 10, alert: 0, report: 0 },
  recordsPerSecond: 1,
  ...overrides,
})

const watch = () =>
  createLagWatch({ unhealthyAfterMs: 60_000, lagAlertMessages: 1_000, tenantsOf: () => ['acme', 'beta'] })

describe('the export lag watch', () => {
  it('opens an episode once a sink has failed for unhealthyAfterSeconds, and reports it once', () => {
    const lag = watch()
    const failing = status({ failingSinceMs: 100_000, lastError: 'HEC answered 503' })
    expect(lag.check([failing], 159_999).opened).toEqual([])
    const { opened } = lag.check([failing], 160_000)
    expect(opened).toEqual([
      {
        sink: 'soc',
        type: 'splunk-hec',
        tenants: ['acme', 'beta'],
        sinceMs: 100_000,
        reason: 'failing',
        lag: 10,
        lastError: 'HEC answered 503',
      },
    ])
    lag.reported('soc')
    expect(lag.check([failing], 200_000).opened).toEqual([])
    expect(lag.check([failing], 900_000).opened).toEqual([])
    expect(lag.lagging()).toEqual(['soc'])
  })

  it('opens an episode when the lag reaches lagAlertMessages, and closes it when the sink catches up', () => {
    const lag = watch()
    expect(lag.check([status({ lag: 999 })], 1_000).opened).toEqual([])
    const [episode] = lag.check([status({ lag: 1_000 })], 2_000).opened
    expect(episode).toMatchObject({ reason: 'lag', sinceMs: 2_000, lag: 1_000 })
    lag.reported('soc')
    expect(lag.check([status({ lag: 5_000 })], 3_000)).toEqual({ opened: [], closed: [] })
    expect(lag.check([status({ lag: 0 })], 4_000)).toEqual({ opened: [], closed: ['soc'] })
    // A new episode after the sink caught up is reported again.
    expect(lag.check([status({ lag: 2_000 })], 5_000).opened).toHaveLength(1)
  })

  it('offers an episode again until its report succeeded, keeping when it began', () => {
    const lag = watch()
    const failing = status({ failingSinceMs: 0 })
    expect(lag.check([failing], 60_000).opened[0]?.sinceMs).toBe(0)
    const again = lag.check([status({ failingSinceMs: 0, lag: 50 })], 65_000).opened
    expect(again).toMatchObject([{ sinceMs: 0, lag: 50 }])
  })

  it('judges each sink alone', () => {
    const lag = watch()
    const { opened } = lag.check(
      [status({ name: 'soc', lag: 5_000 }), status({ name: 'lake', lag: 5 })],
      1_000,
    )
    expect(opened.map((episode) => episode.sink)).toEqual(['soc'])
  })
})
