import type { SinkStatus } from './sink-runner.js'

/**
 * When a sink is lagging, for the built-in alert `mcp-audit-export-lagging`: it has failed for
 * `export.unhealthyAfterSeconds` (sends refused, or passes that cannot read the store or Kafka), or
 * it is `export.lagAlertMessages` committed messages behind. An episode opens when either holds
 * and closes when neither does; it is reported once when it opens, not at every check.
 */

export interface ExportLagEpisode {
  sink: string
  type: string
  /** The tenants whose records the sink receives. */
  tenants: string[]
  /** When the episode began: when the sink began failing, or when its lag crossed the bound. */
  sinceMs: number
  reason: 'failing' | 'lag'
  lag: number | undefined
  lastError: string | undefined
}

export interface LagWatchOptions {
  unhealthyAfterMs: number
  lagAlertMessages: number
  tenantsOf: (sink: string) => string[]
}

export interface LagWatch {
  /**
   * The episodes that opened with these statuses (to report) and the sinks whose episode closed.
   * An opened episode counts as reported only once `reported` is called for it, so one whose
   * report failed is returned again at the next check.
   */
  check(statuses: readonly SinkStatus[], nowMs: number): { opened: ExportLagEpisode[]; closed: string[] }
  reported(sink: string): void
  /** Sinks in an open episode. */
  lagging(): string[]
}

export function createLagWatch(options: LagWatchOptions): LagWatch {
  /** Sink → whether its open episode was reported. */
  const open = new Map<string, { reported: boolean; episode: ExportLagEpisode }>()
  return {
    check(statuses, nowMs) {
      const opened: ExportLagEpisode[] = []
      const closed: string[] = []
      for (const status of statuses) {
        const failing =
          status.failingSinceMs !== undefined && nowMs - status.failingSinceMs >= options.unhealthyAfterMs
        const behind = status.lag !== undefined && status.lag >= options.lagAlertMessages
        const current = open.get(status.name)
        if (!failing && !behind) {
          if (current) {
            open.delete(status.name)
            closed.push(status.name)
          }
          continue
        }
        if (current?.reported) continue
        const episode = current?.episode ?? {
          sink: status.name,
          type: status.type,
          tenants: options.tenantsOf(status.name),
          sinceMs: failing ? status.failingSinceMs! : nowMs,
          reason: failing ? 'failing' : 'lag',
          lag: status.lag,
          lastError: status.lastError,
        }
        open.set(status.name, { reported: false, episode })
        opened.push({ ...episode, lag: status.lag, lastError: status.lastError })
      }
      return { opened, closed }
    },
    reported(sink) {
      const current = open.get(sink)
      if (current) current.reported = true
    },
    lagging: () => [...open.keys()],
  }
}
