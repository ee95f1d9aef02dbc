import { setTimeout as sleep } from 'node:timers/promises'
import { inspect } from 'node:util'

export interface WaitForOptions<T> {
  /** What is awaited, in words: the timeout error starts with it. */
  description: string
  timeoutMs?: number
  intervalMs?: number
  /** When the observed value is good enough; by default when it is truthy. */
  until?: (value: T) => boolean
}

/**
 * Polls `condition` until its value satisfies `until` and returns that value. On timeout it throws
 * with the description and the last value observed (or the last error the condition threw), so a
 * failing test says what it waited for and how far it got instead of asserting on a stale value.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { description, timeoutMs = 30_000, intervalMs = 100, until = Boolean }: WaitForOptions<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    let seen: string
    try {
      const value = await condition()
      if (until(value)) return value
      seen = inspect(value, { depth: 4, maxArrayLength: 20, breakLength: Infinity })
    } catch (error) {
      seen = `error ${inspect(error)}`
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last observed: ${seen}`)
    await sleep(intervalMs)
  }
}
