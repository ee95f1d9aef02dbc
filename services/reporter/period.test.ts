import { describe, expect, it } from 'vitest'
import { formatLocal, localMidnight, precedingPeriod, previousPeriod } from './period.js'

describe('report periods', () => {
  it('last-day is the previous local calendar day', () => {
    const period = previousPeriod('last-day', new Date('2026-11-24T06:00:00Z'), 'Europe/Berlin')
    expect(period.from.toISOString()).toBe('2026-11-22T23:00:00.000Z')
    expect(period.to.toISOString()).toBe('2026-11-23T23:00:00.000Z')
  })

  it('last-week runs Monday to Monday in the tenant zone', () => {
    // Tuesday 2026-11-24 in Tokyo.
    const period = previousPeriod('last-week', new Date('2026-11-24T01:00:00Z'), 'Asia/Tokyo')
    expect(period.from.toISOString()).toBe('2026-11-15T15:00:00.000Z')
    expect(period.to.toISOString()).toBe('2026-11-22T15:00:00.000Z')
  })

  it('last-month crosses a year and daylight saving', () => {
    const january = previousPeriod('last-month', new Date('2027-01-05T12:00:00Z'), 'America/New_York')
    expect(january.from.toISOString()).toBe('2026-12-01T05:00:00.000Z')
    expect(january.to.toISOString()).toBe('2027-01-01T05:00:00.000Z')
    const march = previousPeriod('last-month', new Date('2026-04-02T12:00:00Z'), 'Europe/Berlin')
    expect(march.from.toISOString()).toBe('2026-02-28T23:00:00.000Z')
    expect(march.to.toISOString()).toBe('2026-03-31T22:00:00.000Z')
  })

  it('finds midnight on the day clocks change', () => {
    expect(localMidnight({ year: 2026, month: 3, day: 29 }, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    )
    expect(localMidnight({ year: 2026, month: 3, day: 30 }, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    )
  })

  it('the preceding period has the same length', () => {
    const period = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-08T00:00:00Z') }
    expect(precedingPeriod(period).from.toISOString()).toBe('2026-10-25T00:00:00.000Z')
    expect(formatLocal(period.from, 'Asia/Shanghai')).toBe('2026-11-01 08:00')
  })
})
