export interface RateLimit {
  eventsPerSecond: number
  burst: number
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string }

interface Bucket {
  tokens: number
  updatedAt: number
}

/**
 * Token buckets per tenant, counted in events: a request of n events takes n tokens; tokens refill
 * at `eventsPerSecond` up to `burst`. A refused request takes nothing.
 */
export class TenantRateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly limitFor: (tenantId: string) => RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(tenantId: string, events: number): TakeResult {
    const limit = this.limitFor(tenantId)
    const now = this.now()
    const bucket = this.buckets.get(tenantId) ?? { tokens: limit.burst, updatedAt: now }
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.eventsPerSecond,
    )
    bucket.updatedAt = now
    this.buckets.set(tenantId, bucket)
    if (events > limit.burst) {
      return {
        ok: false,
        retryAfterSeconds: Math.ceil(limit.burst / limit.eventsPerSecond),
        reason: `a batch of ${events} events exceeds the tenant's burst of ${limit.burst}; send at most ${limit.burst} events per request`,
      }
    }
    if (bucket.tokens >= events) {
      bucket.tokens -= events
      return { ok: true }
    }
    const missing = events - bucket.tokens
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil(missing / limit.eventsPerSecond)),
      reason: `tenant ${tenantId} is over its rate limit of ${limit.eventsPerSecond} events/s (burst ${limit.burst})`,
    }
  }
}
