/**
 * The outbox's delivery loop: passes one at a time, with a pause of `pollMs` between them that a
 * wake-up ends early (an enqueue wants its delivery now, not after the pause).
 */

export interface PollLoop {
  /** A pass now, or the next pass when one is running (calls made meanwhile share it); passes never overlap. */
  runPass(): Promise<void>
  /** Ends the current pause; during a pass, the next pause returns at once. */
  wake(): void
  start(): void
  /** Resolves when the running pass is done. */
  stop(): Promise<void>
  /** When the running pass started (undefined between passes), and the last pass's error. */
  state(): { passStartedAt: number | undefined; lastPassError: string | undefined }
}

export function createPollLoop(
  pass: () => Promise<void>,
  pollMs: number,
  onPassFailed: (err: unknown) => void,
): PollLoop {
  let running = false
  let loop: Promise<void> | undefined
  let endPause: (() => void) | undefined
  // A wake-up during a pass must not wait a whole poll: the next pause returns at once.
  let wakeRequested = false
  let passStartedAt: number | undefined
  let lastPassError: string | undefined

  let tail: Promise<void> = Promise.resolve()
  let queued: Promise<void> | undefined
  function runPass(): Promise<void> {
    if (queued) return queued
    const next = tail.then(async () => {
      queued = undefined
      passStartedAt = Date.now()
      try {
        await pass()
        lastPassError = undefined
      } catch (err) {
        lastPassError = err instanceof Error ? err.message : String(err)
        throw err
      } finally {
        passStartedAt = undefined
      }
    })
    queued = next
    tail = next.catch(() => undefined)
    return next
  }

  function pause(ms: number): Promise<void> {
    if (wakeRequested) {
      wakeRequested = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        endPause = undefined
        wakeRequested = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      endPause = done
    })
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        await runPass()
      } catch (err) {
        onPassFailed(err)
      }
      if (running) await pause(pollMs)
    }
  }

  return {
    runPass,
    wake() {
      wakeRequested = true
      endPause?.()
    },
    start() {
      if (running) return
      running = true
      loop = run()
    },
    async stop() {
      running = false
      endPause?.()
      await loop
      loop = undefined
    },
    state: () => ({ passStartedAt, lastPassError }),
  }
}
