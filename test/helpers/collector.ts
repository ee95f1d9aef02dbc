import { randomUUID } from 'node:crypto'
import { AppConfig } from '../../schemas/config.js'
import { startCollector } from '../../services/collector/service.js'
import type { ProducerOptions } from '../../services/collector/producer.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { createMetricsRegistry } from '../../services/platform/metrics.js'

export const TOKENS = {
  acmeIngest: 'acme-ingest-token-0123456789',
  acmeRead: 'acme-read-token-0123456789ab',
  slowIngest: 'slow-ingest-token-0123456789',
} as const

export interface TestCollector {
  url: string
  /** The collector's metrics port (`/metrics`, `/healthz`, `/readyz`). */
  metricsUrl: string
  config: AppConfig
  topics: { raw: string; receipts: string; dlq: string }
  stop: () => Promise<void>
}

/**
 * A collector on a free port, writing to topics of its own, with tenants `acme` and `slow` (1 event/s,
 * burst 5, unless `slowRateLimit` says otherwise).
 */
export async function startTestCollector(
  brokers: string[],
  options: {
    maxBodyBytes?: number
    maxBodyBytesInFlight?: number
    producer?: ProducerOptions
    slowRateLimit?: { eventsPerSecond: number; burst: number }
  } = {},
): Promise<TestCollector> {
  const suffix = randomUUID().slice(0, 8)
  const topics = { raw: `test.raw.${suffix}`, receipts: `test.receipts.${suffix}`, dlq: `test.dlq.${suffix}` }
  const config = AppConfig.parse({
    kafka: { brokers, topics, partitions: 3 },
    collector: {
      port: 0,
      metricsPort: 0,
      host: '127.0.0.1',
      metricsHost: '127.0.0.1',
      maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
      ...(options.maxBodyBytesInFlight ? { maxBodyBytesInFlight: options.maxBodyBytesInFlight } : {}),
    },
    tenants: [
      {
        id: 'acme',
        tokens: [
          { name: 'gw-eu-1', scope: 'ingest', value: TOKENS.acmeIngest },
          { name: 'analyst', scope: 'read', value: TOKENS.acmeRead },
        ],
      },
      {
        id: 'slow',
        tokens: [{ name: 'gw-slow', scope: 'ingest', value: TOKENS.slowIngest }],
        rateLimit: options.slowRateLimit ?? { eventsPerSecond: 1, burst: 5 },
      },
    ],
  })
  const logger = createLogger({ level: 'silent' })
  await ensureTopics(createKafka({ brokers, clientId: 'test-setup' }, logger), [
    { topic: topics.raw, numPartitions: 3 },
    { topic: topics.receipts, numPartitions: 1 },
  ])
  const lifecycle = new Lifecycle(logger)
  const collector = await startCollector({
    config,
    brokers,
    logger,
    registry: createMetricsRegistry(),
    lifecycle,
    ...(options.producer ? { producer: options.producer } : {}),
  })
  return {
    url: collector.url,
    metricsUrl: collector.metricsUrl,
    config,
    topics,
    stop: () => lifecycle.stop('test'),
  }
}

export interface PostOptions {
  /** The bearer token; null sends no Authorization header. */
  token?: string | null
  contentType?: string
  headers?: Record<string, string>
}

export async function post(
  url: string,
  body: string | Buffer,
  { token = TOKENS.acmeIngest, contentType = 'application/json', headers = {} }: PostOptions = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body,
  })
  const text = await response.text()
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    parsed = { raw: text }
  }
  return { status: response.status, headers: response.headers, body: parsed }
}
