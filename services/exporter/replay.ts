import { setTimeout as sleep } from 'node:timers/promises'
import { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import { sinkTenantFilter } from '../../schemas/export.js'
import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import { retryDelayMs } from '../webhooks/backoff.js'
import { parseAllowList } from '../webhooks/ssrf.js'
import { exportMetrics } from './metrics.js'
import { readOccurred, type ReplayCursor } from './read.js'
import { toExportEvent } from './record.js'
import { EXPORT_BACKOFF } from './sink-runner.js'
import { createSink, manifestSigningKey, sendFailure, type Sink } from './sinks/index.js'

/** Why a replay stopped: bad arguments (an unknown sink, an empty range), or the sink refused a batch. */
export class ReplayError extends Error {
  readonly retryable = false
  constructor(
    message: string,
    readonly reason: 'arguments' | 'sink',
  ) {
    super(message)
    this.name = 'ReplayError'
  }
}

export interface ReplayOptions {
  config: AppConfig
  store: Pick<Store, 'client' | 'database' | 'mode'>
  /** The pipeline's brokers (a Kafka sink without brokers of its own sends there). */
  brokers: string[]
  sinkName: string
  fromMs: number
  toMs: number
  logger: Logger
  /** Attempts per batch before the replay gives up (retryable failures only). */
  maxAttempts?: number
  onBatch?: (sent: number) => void
}

async function sendWithRetries(sink: Sink, records: Parameters<Sink['send']>[0], maxAttempts: number) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sink.send(records)
      return
    } catch (err) {
      const failure = sendFailure(err)
      if (!failure.retryable || attempt >= maxAttempts) {
        throw new ReplayError(
          `sink ${sink.name} refused a batch after ${attempt} attempt(s): ${failure.message}`,
          'sink',
        )
      }
      await sleep(retryDelayMs(attempt, EXPORT_BACKOFF, failure.retryAfterMs))
    }
  }
}

/**
 * `export replay`: sends the stored events of the sink's tenants that occurred in `[from, to)` to
 * one sink again, in (occurred_at, event_id) order, in batches of `export.batchMaxRows`. The sink's
 * checkpoint is left as it is: a replay fills a gap or backfills history beside the continuous
 * export, and receivers drop what they already have by event id. Resolves to the records sent.
 */
export async function replayToSink(options: ReplayOptions): Promise<number> {
  const { config, store, sinkName } = options
  const sinkConfig = config.export.sinks.find((sink) => sink.name === sinkName)
  if (!sinkConfig) {
    const known = config.export.sinks.map((sink) => sink.name)
    throw new ReplayError(
      `no sink named "${sinkName}" in export.sinks${known.length > 0 ? ` (configured: ${known.join(', ')})` : ' (none configured)'}`,
      'arguments',
    )
  }
  if (!(options.fromMs < options.toMs)) throw new ReplayError('--from must be before --to', 'arguments')
  const sink = createSink(sinkConfig, {
    allowList: parseAllowList(config.alerts.allowPrivateNetworks),
    pipelineBrokers: options.brokers,
    pipelineSecurity: config.kafka,
    clientId: config.kafka.clientId,
    logger: options.logger,
    // A replay is a one-off command: what a receiver rejects is in its log, not in a scraped metric.
    metrics: exportMetrics(new Registry()),
    store,
    signingKey: manifestSigningKey(config, options.logger),
  })
  const tenants = sinkTenantFilter(sinkConfig)
  const limit =
    ('batchMaxRows' in sinkConfig ? sinkConfig.batchMaxRows : undefined) ?? config.export.batchMaxRows
  let cursor: ReplayCursor | undefined
  let sent = 0
  try {
    for (;;) {
      const rows = await readOccurred(
        store,
        { fromMs: options.fromMs, toMs: options.toMs, ...(cursor ? { cursor } : {}) },
        tenants,
        limit,
      )
      if (rows.length === 0) break
      await sendWithRetries(sink, rows.map(toExportEvent), options.maxAttempts ?? 8)
      sent += rows.length
      options.onBatch?.(sent)
      const last = rows[rows.length - 1]!
      cursor = { occurredMs: last.occurred_ms, eventId: last.event_id }
      if (rows.length < limit) break
    }
  } finally {
    await sink.close()
  }
  options.logger.info({ sink: sinkName, sent }, 'export_replay_done')
  return sent
}
