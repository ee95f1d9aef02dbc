import { describe, expect, it } from 'vitest'
import { TenantRateLimiter } from './rate-limit.js'

describe('TenantRateLimiter', () => {
  it('allows a burst, refills at the rate, and says when to retry', () => {
    let now = 0
    const limiter = new TenantRateLimiter(
      () => ({ eventsPerSecond: 10, burst: 20 }),
      () => now,
    )
    expect(limiter.take('t', 20)).toEqual({ ok: true })
    const refused = limiter.take('t', 5)
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1 })
    now = 500
    expect(limiter.take('t', 5)).toEqual({ ok: true })
    expect(limiter.take('t', 1)).toMatchObject({ ok: false })
  })

  it('keeps tenants apart and refuses a batch larger than the burst with its own reason', () => {
    const limiter = new TenantRateLimiter(
      (tenant) =>
        tenant === 'big' ? { eventsPerSecond: 100, burst: 100 } : { eventsPerSecond: 1, burst: 2 },
      () => 0,
    )
    expect(limiter.take('small', 2)).toEqual({ ok: true })
    expect(limiter.take('big', 100)).toEqual({ ok: true })
    const tooLarge = limiter.take('small', 3)
    expect(tooLarge.ok === false && tooLarge.reason).toMatch(/exceeds the tenant's burst of 2/)
  })
})
