/**
 * Records a sink took per second over the last minute, for the console's export page: a rate an
 * operator can read at a glance, where the records counter in /metrics needs Prometheus' rate().
 */

const WINDOW_MS = 60_000

export interface Throughput {
  /** Counts `records` taken now. */
  add(records: number): void
  /** Records per second over the last minute (over the time since start while that is shorter). */
  perSecond(): number
}

export function createThroughput(now: () => number = Date.now): Throughput {
  const startedMs = now()
  const sends: Array<{ atMs: number; records: number }> = []
  const prune = (nowMs: number) => {
    while (sends.length > 0 && nowMs - sends[0]!.atMs >= WINDOW_MS) sends.shift()
  }
  return {
    add(records) {
      const atMs = now()
      prune(atMs)
      sends.push({ atMs, records })
    },
    perSecond() {
      const nowMs = now()
      prune(nowMs)
      const spanMs = Math.min(WINDOW_MS, nowMs - startedMs)
      if (spanMs <= 0) return 0
      const records = sends.reduce((sum, send) => sum + send.records, 0)
      return (records * 1000) / spanMs
    },
  }
}
