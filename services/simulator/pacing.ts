/** Open-loop pacing and the arithmetic of the run report; pure functions, tested on their own. */

/** Milliseconds after the start at which call `index` (0-based) is due, at `rate` calls per second. */
export function dueAtMs(index: number, rate: number): number {
  return (index / rate) * 1000
}

/** Nearest-rank percentile of ascending `sorted` values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** `Retry-After` as milliseconds to wait: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** Capped exponential backoff with full jitter (`random` in [0, 1)). */
export function backoffMs(attempt: number, random: number, baseMs = 200, capMs = 10_000): number {
  return Math.round(random * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1)))
}

/** Calls per second over a span; 0 when no time passed. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0
}
