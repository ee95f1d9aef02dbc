import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import {
  exportSinkStatusTable,
  STATUS_INTERVAL_MS,
  type SinkStatusRow,
} from '../platform/store/export-sink-status.js'
import { createPollLoop } from '../webhooks/poll-loop.js'
import type { ExportLagEpisode, LagWatch } from './lag-watch.js'
import type { ExportMetrics } from './metrics.js'
import type { SinkStatus } from './sink-runner.js'

/**
 * Every few seconds: saves each sink's status for the console (platform/store/export-sink-status.ts)
 * and checks the sinks for the lagging alert (lag-watch.ts). A failed save or a failed alert is
 * logged and tried again at the next check; neither stops the export.
 */

export interface StatusMonitorOptions {
  store: Pick<Store, 'client' | 'database'>
  status: () => SinkStatus[]
  watch: LagWatch
  intervalMs: number | undefined
  onLagging: ((episode: ExportLagEpisode) => Promise<void>) | undefined
  metrics: ExportMetrics
  logger: Logger
}

function statusRow(status: SinkStatus, nowMs: number): SinkStatusRow {
  return {
    sink: status.name,
    type: status.type,
    records: status.records,
    lag: status.lag ?? null,
    paused: status.paused,
    last_error: status.lastError ?? '',
    last_success_ms: status.lastSuccessMs ?? null,
    failing_since_ms: status.failingSinceMs ?? null,
    sent_total: status.sentTotal,
    records_per_second: status.recordsPerSecond,
    updated_ms: nowMs,
  }
}

export function startStatusMonitor(options: StatusMonitorOptions): { stop(): Promise<void> } {
  const { watch, metrics, logger } = options
  for (const status of options.status()) metrics.lagging.set({ sink: status.name }, 0)
  const save = () =>
    exportSinkStatusTable(options.store).insert(
      options.status().map((status) => statusRow(status, Date.now())),
    )

  const raise = async (episode: ExportLagEpisode) => {
    logger.warn(
      {
        sink: episode.sink,
        reason: episode.reason,
        since: new Date(episode.sinceMs).toISOString(),
        lag: episode.lag,
        error: episode.lastError,
      },
      'export_sink_lagging',
    )
    metrics.lagging.set({ sink: episode.sink }, 1)
    if (!options.onLagging) {
      watch.reported(episode.sink)
      return
    }
    try {
      await options.onLagging(episode)
      watch.reported(episode.sink)
    } catch (err) {
      logger.warn({ err, sink: episode.sink }, 'export_lagging_alert_failed')
    }
  }

  const check = async () => {
    const { opened, closed } = watch.check(options.status(), Date.now())
    for (const episode of opened) await raise(episode)
    for (const sink of closed) {
      metrics.lagging.set({ sink }, 0)
      logger.info({ sink }, 'export_sink_caught_up')
    }
    await save()
  }

  const loop = createPollLoop(check, options.intervalMs ?? STATUS_INTERVAL_MS, (err) =>
    logger.warn({ err }, 'export_status_save_failed'),
  )
  loop.start()
  return {
    async stop() {
      await loop.stop()
      // The last word on each sink, so the console does not show a stopped exporter as running.
      await save().catch((err: unknown) => logger.warn({ err }, 'export_status_save_failed'))
    },
  }
}
