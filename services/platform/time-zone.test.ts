import { describe, expect, it } from 'vitest'
import { localParts, zoneOffsetMs } from './time-zone.js'

describe('time zones', () => {
  it('gives the offset from UTC, across daylight saving time and for odd offsets', () => {
    expect(zoneOffsetMs(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000)
    expect(zoneOffsetMs(new Date('2026-12-01T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000)
    // Berlin leaves summer time at 01:00 UTC on 25 October 2026.
    expect(zoneOffsetMs(new Date('2026-10-25T00:59:59Z'), 'Europe/Berlin')).toBe(2 * 3_600_000)
    expect(zoneOffsetMs(new Date('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe(3_600_000)
    expect(zoneOffsetMs(new Date('2026-03-01T00:00:00Z'), 'Asia/Kathmandu')).toBe(345 * 60_000)
    expect(zoneOffsetMs(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000)
    expect(zoneOffsetMs(new Date('2026-07-01T12:00:00.999Z'), 'UTC')).toBe(0)
  })

  it('gives the wall-clock parts, midnight as hour 0', () => {
    expect(localParts(new Date('2026-11-30T23:30:15Z'), 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 12,
      day: 1,
      hour: 7,
      minute: 30,
      second: 15,
    })
    expect(localParts(new Date('2026-11-30T23:00:00Z'), 'Europe/Berlin').hour).toBe(0)
  })

  it('gives the same parts as the zone formatter, minute by minute across transitions', () => {
    const exact = (instant: Date, timeZone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        })
          .formatToParts(instant)
          .filter((part) => part.type !== 'literal')
          .map((part) => [part.type, Number(part.value)]),
      )
      return { ...parts }
    }
    const days = [
      ['Europe/Berlin', '2026-03-29T00:00:00Z'],
      ['Europe/Berlin', '2026-10-25T00:00:00Z'],
      ['America/New_York', '2026-11-01T04:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T14:00:00Z'], // summer time ends by half an hour
      ['Asia/Kathmandu', '2026-03-01T00:00:00Z'],
    ] as const
    for (const [zone, from] of days) {
      for (let minute = 0; minute < 4 * 60; minute += 1) {
        const instant = new Date(Date.parse(from) + minute * 60_000 + 17_000)
        expect(localParts(instant, zone), `${zone} ${instant.toISOString()}`).toEqual(exact(instant, zone))
      }
    }
  })
})
