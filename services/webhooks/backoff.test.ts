import { describe, expect, it } from 'vitest'
import {
  backoffCapMs,
  DEFAULT_BACKOFF,
  MAX_RETRY_AFTER_MS,
  planAfterFailure,
  retryDelayMs,
} from './backoff.js'
import { DeliveryError } from './errors.js'

const policy = { baseMs: 1_000, maxMs: 60_000, factor: 2 }

describe('backoff', () => {
  it('grows the cap by the factor per failed attempt, up to maxMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffCapMs(attempt, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ])
  })

  it('draws the delay uniformly below the cap (full jitter)', () => {
    expect(retryDelayMs(3, policy, undefined, () => 0)).toBe(0)
    expect(retryDelayMs(3, policy, undefined, () => 0.5)).toBe(2_000)
    expect(retryDelayMs(3, policy, undefined, () => 0.999_999)).toBe(3_999)
    const delays = Array.from({ length: 1_000 }, () => retryDelayMs(10, policy))
    expect(Math.max(...delays)).toBeLessThan(60_000)
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0)
  })

  it('uses Retry-After instead, bounded to a day', () => {
    expect(retryDelayMs(1, policy, 7_000, () => 0)).toBe(7_000)
    expect(retryDelayMs(1, policy, 0, () => 0.9)).toBe(0)
    expect(retryDelayMs(1, policy, 10 * MAX_RETRY_AFTER_MS)).toBe(MAX_RETRY_AFTER_MS)
  })

  it('spreads the default eight attempts over hours, not minutes', () => {
    const total = [1, 2, 3, 4, 5, 6, 7].reduce(
      (sum, attempt) => sum + backoffCapMs(attempt, DEFAULT_BACKOFF),
      0,
    )
    expect(total / 3_600_000).toBeGreaterThan(5)
    expect(total / 3_600_000).toBeLessThan(7)
  })
})

const retryPolicy = { maxAttempts: 4, backoff: policy }
const NOW = new Date('2026-11-24T10:00:00.000Z')

const http = (status: number, retryable: boolean, retryAfterMs?: number) =>
  new DeliveryError(`webhook h answered ${status}`, {
    failure: status === 410 ? 'gone' : 'http',
    retryable,
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  })

describe('planAfterFailure', () => {
  it('retries a retryable failure after a jittered backoff, saying when', () => {
    const plan = planAfterFailure(http(503, true), 2, retryPolicy, NOW, () => 0.5)
    expect(plan.status).toBe('pending')
    expect(plan.outcome).toBe('retry')
    expect(plan.nextAttemptAt.getTime() - NOW.getTime()).toBe(1_000)
    expect(plan.lastError).toBe('webhook h answered 503; attempt 3 of 4 at 2026-11-24T10:00:01.000Z')
  })

  it('waits as long as Retry-After says', () => {
    const plan = planAfterFailure(http(429, true, 30_000), 1, retryPolicy, NOW, () => 0)
    expect(plan.nextAttemptAt.getTime() - NOW.getTime()).toBe(30_000)
  })

  it('gives up after maxAttempts', () => {
    const plan = planAfterFailure(http(503, true), 4, retryPolicy, NOW)
    expect(plan).toMatchObject({ status: 'dead', outcome: 'dead' })
    expect(plan.lastError).toBe('gave up after 4 attempts: webhook h answered 503')
  })

  it('is dead at once on a non-retryable answer, disabled on 410, blocked on an SSRF refusal', () => {
    expect(planAfterFailure(http(400, false), 1, retryPolicy, NOW)).toMatchObject({
      status: 'dead',
      outcome: 'dead',
    })
    expect(planAfterFailure(http(410, false), 1, retryPolicy, NOW)).toMatchObject({
      status: 'disabled',
      outcome: 'disabled',
    })
    const blocked = new DeliveryError('refused to call webhook 127.0.0.1:9: loopback', {
      failure: 'blocked',
      retryable: false,
    })
    expect(planAfterFailure(blocked, 1, retryPolicy, NOW)).toMatchObject({
      status: 'dead',
      outcome: 'blocked',
    })
  })
})
