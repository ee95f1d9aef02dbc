import type { ClickHouseClient } from '@clickhouse/client'

/**
 * What the pipeline is doing with the embedded engine right now. The engine runs one query at a
 * time for the whole process, so a query that must not hold up inserts and rule windows (admin SQL)
 * waits for a quiet moment instead of slipping in between the queries of a detector tick.
 */
export interface StoreActivity {
  /**
   * Resolves true once no call has been in flight for `quietMs`, or false when that did not happen
   * within `maxWaitMs`.
   */
  waitForQuiet(quietMs: number, maxWaitMs: number): Promise<boolean>
}

const METHODS = ['query', 'insert', 'command', 'exec'] as const
const POLL_MS = 20

/** The activity view, and the way to count a call that bypasses the client's methods. */
export interface TrackedActivity extends StoreActivity {
  track<T>(work: () => Promise<T>): Promise<T>
}

/** Counts the client's calls in flight by wrapping its methods; returns the view of them. */
export function trackActivity(client: ClickHouseClient): TrackedActivity {
  let inFlight = 0
  let lastActiveAt = 0
  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight++
    try {
      return await work()
    } finally {
      inFlight--
      lastActiveAt = Date.now()
    }
  }
  for (const method of METHODS) {
    const original = (client[method] as (...args: unknown[]) => Promise<unknown>).bind(client)
    ;(client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      track(() => original(...args))
  }
  return {
    track,
    async waitForQuiet(quietMs, maxWaitMs) {
      const deadline = Date.now() + maxWaitMs
      for (;;) {
        const now = Date.now()
        if (inFlight === 0 && now - lastActiveAt >= quietMs) return true
        if (now >= deadline) return false
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
    },
  }
}
