import { describe, expect, test } from 'vitest'
import { backoffMs, dueAtMs, percentile, perSecond, retryAfterMs } from './pacing.js'

describe('open-loop pacing', () => {
  test('call i is due i/rate seconds after the start', () => {
    expect(dueAtMs(0, 100)).toBe(0)
    expect(dueAtMs(1, 100)).toBe(10)
    expect(dueAtMs(250, 100)).toBe(2500)
    expect(dueAtMs(3, 0.5)).toBe(6000)
  })

  test('the schedule depends only on the index and the rate, never on answers', () => {
    const schedule = Array.from({ length: 1000 }, (_, i) => dueAtMs(i, 250))
    expect(schedule.at(-1)).toBeCloseTo(3996, 6)
    const gaps = schedule.slice(1).map((due, i) => due - schedule[i]!)
    for (const gap of gaps) expect(gap).toBeCloseTo(4, 9)
  })

  test('achieved rate', () => {
    expect(perSecond(600, 60_000)).toBe(10)
    expect(perSecond(5, 0)).toBe(0)
  })
})

describe('report arithmetic', () => {
  test('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 100)).toBe(100)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBe(0)
  })
})

describe('retries', () => {
  test('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z')
    expect(retryAfterMs('2', now)).toBe(2000)
    expect(retryAfterMs('0.5', now)).toBe(500)
    expect(retryAfterMs('Tue, 24 Nov 2026 10:00:03 GMT', now)).toBe(3000)
    expect(retryAfterMs('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs(null, now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })

  test('backoff doubles up to a cap, scaled by jitter', () => {
    expect(backoffMs(1, 0.999)).toBe(200)
    expect(backoffMs(2, 0.999)).toBe(400)
    expect(backoffMs(4, 0.5)).toBe(800)
    expect(backoffMs(20, 0.999)).toBe(9990)
    expect(backoffMs(3, 0)).toBe(0)
  })
})
