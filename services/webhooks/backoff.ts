import type { DeliveryStatus } from '../platform/store/alert-deliveries.js'
import type { DeliveryError } from './errors.js'
import type { DeliveryOutcome } from './metrics.js'

/**
 * When to try a failed delivery again: exponential backoff with full jitter (a uniformly random
 * delay below a cap that grows by `factor` per attempt, up to `maxMs`), so receivers coming back
 * from an outage are not hit by every sender at once. A receiver's `Retry-After` wins. And what a
 * failed attempt leads to: another try, dead, or the endpoint disabled.
 */

export interface BackoffOptions {
  /** Cap of the first retry's delay. */
  baseMs: number
  /** Largest cap, whatever the attempt. */
  maxMs: number
  /** Growth of the cap per failed attempt. */
  factor: number
}

/** With 8 attempts: caps of 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 4 h; at most about 6 h in all. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 4 * 3_600_000, factor: 4 }

/** A `Retry-After` beyond this is treated as this (a receiver cannot park an alert for days). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000

/** The cap of the delay after `failedAttempts` failures (1 after the first). */
export function backoffCapMs(failedAttempts: number, options: BackoffOptions): number {
  const exponent = Math.max(0, failedAttempts - 1)
  return Math.min(options.maxMs, options.baseMs * options.factor ** exponent)
}

export function retryDelayMs(
  failedAttempts: number,
  options: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS)
  return Math.floor(random() * backoffCapMs(failedAttempts, options))
}

export interface FailurePlan {
  status: Exclude<DeliveryStatus, 'delivered'>
  outcome: DeliveryOutcome
  nextAttemptAt: Date
  lastError: string
}

/** What a failed attempt leads to. `attempts` counts this one. */
export function planAfterFailure(
  error: DeliveryError,
  attempts: number,
  policy: { maxAttempts: number; backoff: BackoffOptions },
  now: Date,
  random: () => number = Math.random,
): FailurePlan {
  if (error.disablesEndpoint) {
    return { status: 'disabled', outcome: 'disabled', nextAttemptAt: now, lastError: error.message }
  }
  if (error.failure === 'blocked') {
    return { status: 'dead', outcome: 'blocked', nextAttemptAt: now, lastError: error.message }
  }
  if (!error.retryable)
    return { status: 'dead', outcome: 'dead', nextAttemptAt: now, lastError: error.message }
  if (attempts >= policy.maxAttempts) {
    return {
      status: 'dead',
      outcome: 'dead',
      nextAttemptAt: now,
      lastError: `gave up after ${attempts} attempts: ${error.message}`,
    }
  }
  const nextAttemptAt = new Date(
    now.getTime() + retryDelayMs(attempts, policy.backoff, error.retryAfterMs, random),
  )
  return {
    status: 'pending',
    outcome: 'retry',
    nextAttemptAt,
    lastError: `${error.message}; attempt ${attempts + 1} of ${policy.maxAttempts} at ${nextAttemptAt.toISOString()}`,
  }
}
