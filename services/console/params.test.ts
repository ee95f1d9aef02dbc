import { describe, expect, it } from 'vitest'
import {
  AlertsQuery,
  bucketSeconds,
  decodeCursor,
  encodeCursor,
  EventsQuery,
  isoTime,
  issues,
  SummaryQuery,
} from './params.js'
import { clickhouseTime } from '../platform/store/time.js'

const DAY_MS = 86_400_000

function problem(result: { success: boolean; error?: Parameters<typeof issues>[0] }): string {
  if (result.success || !result.error) throw new Error('expected the query to be refused')
  return issues(result.error)
}

describe('time ranges', () => {
  it('accept ISO 8601 and epoch milliseconds', () => {
    const range = SummaryQuery.parse({ from: '2026-11-24T10:00:00Z', to: String(Date.UTC(2026, 10, 25)) })
    expect(range).toEqual({ from: new Date('2026-11-24T10:00:00Z'), to: new Date('2026-11-25T00:00:00Z') })
  })

  it('default to the last day for events and the summary, the last 30 days for alerts', () => {
    const to = '2026-11-24T10:00:00Z'
    expect(SummaryQuery.parse({ to }).from).toEqual(new Date(Date.parse(to) - DAY_MS))
    expect(EventsQuery.parse({ to }).from).toEqual(new Date(Date.parse(to) - DAY_MS))
    expect(AlertsQuery.parse({ to }).from).toEqual(new Date(Date.parse(to) - 30 * DAY_MS))
    const now = Date.now()
    const open = SummaryQuery.parse({})
    expect(open.to.getTime()).toBeGreaterThanOrEqual(now)
    expect(open.to.getTime() - open.from.getTime()).toBe(DAY_MS)
  })

  it('name the parameter of a time that does not parse, and refuse an inverted range', () => {
    expect(problem(SummaryQuery.safeParse({ from: 'yesterday' }))).toMatch(/^from: must be an ISO 8601 time/)
    expect(
      problem(SummaryQuery.safeParse({ from: '2026-11-24T10:00:00Z', to: '2026-11-24T09:00:00Z' })),
    ).toBe('from must be before to')
  })
})

describe('EventsQuery', () => {
  it('trims filters, treats empty ones as absent and applies the default limit', () => {
    const query = EventsQuery.parse({ server: ' github ', tool: '', status: 'error, timeout' })
    expect(query).toMatchObject({ server: 'github', status: ['error', 'timeout'], limit: 50 })
    expect(query.tool).toBeUndefined()
    expect(query.user).toBeUndefined()
  })

  it('refuses an unknown status and a limit out of bounds, naming them', () => {
    expect(problem(EventsQuery.safeParse({ status: 'success,broken' }))).toBe(
      'status: status "broken" is not one of success, error, denied, timeout',
    )
    expect(problem(EventsQuery.safeParse({ limit: '501' }))).toMatch(/^limit: /)
    expect(problem(EventsQuery.safeParse({ limit: '0' }))).toMatch(/^limit: /)
    expect(EventsQuery.parse({ limit: '500' }).limit).toBe(500)
  })

  it('refuses a filter longer than 512 characters', () => {
    expect(problem(EventsQuery.safeParse({ user: 'u'.repeat(513) }))).toMatch(/^user: /)
  })
})

describe('AlertsQuery', () => {
  it('parses severity and status lists with their own vocabularies', () => {
    expect(AlertsQuery.parse({ severity: 'high,critical', status: 'open' })).toMatchObject({
      severity: ['high', 'critical'],
      status: ['open'],
      limit: 100,
    })
    expect(problem(AlertsQuery.safeParse({ severity: 'urgent' }))).toBe(
      'severity: severity "urgent" is not one of info, low, medium, high, critical',
    )
    expect(problem(AlertsQuery.safeParse({ status: 'closed' }))).toMatch(/^status: status "closed"/)
  })
})

describe('cursors', () => {
  it('round-trip the position of the last row', () => {
    const cursor = { occurredAt: '2026-11-24 10:00:00.123', eventId: 'e-42' }
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor)
  })

  it('refuse anything the console did not issue', () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const value of [
      'not base64 json',
      forged({ occurredAt: '2026-11-24 10:00:00', eventId: 'e' }),
      forged(['2026-11-24 10:00:00']),
      forged(['2026-11-24T10:00:00Z', 'e']),
      forged(["2026-11-24 10:00:00' OR 1=1 --", 'e']),
      forged([1, 'e']),
    ]) {
      expect(decodeCursor(value), value).toBeUndefined()
    }
  })
})

describe('time formats', () => {
  it("isoTime reads back the store's DateTime64 text in UTC", () => {
    const date = new Date('2026-11-24T10:00:00.123Z')
    expect(clickhouseTime(date)).toBe('2026-11-24 10:00:00.123')
    expect(isoTime(clickhouseTime(date))).toBe('2026-11-24T10:00:00.123Z')
    expect(isoTime('2026-11-24T10:00:00Z')).toBe('2026-11-24T10:00:00Z')
    expect(isoTime('2026-11-24 10:00:00+01:00')).toBe('2026-11-24T10:00:00+01:00')
  })
})

describe('bucketSeconds', () => {
  it('keeps a chart at 120 points or fewer', () => {
    const from = new Date('2026-11-24T00:00:00Z')
    const after = (ms: number) => new Date(from.getTime() + ms)
    expect(bucketSeconds(from, after(2 * 3_600_000))).toBe(60)
    expect(bucketSeconds(from, after(2 * 3_600_000 + 1000))).toBe(300)
    expect(bucketSeconds(from, after(DAY_MS))).toBe(900)
    expect(bucketSeconds(from, after(30 * DAY_MS))).toBe(6 * 3600)
    expect(bucketSeconds(from, after(5 * 365 * DAY_MS))).toBe(30 * 86_400)
  })
})
