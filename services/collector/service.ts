import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import { healthy, unhealthy, type Health } from '../platform/health.js'
import { createKafka } from '../platform/kafka/client.js'
import type { Lifecycle } from '../platform/lifecycle.js'
import type { Logger } from '../platform/logger.js'
import { listen, startOpsServer } from '../platform/ops-server.js'
import { answerClientError } from './answers.js'
import { createCollectorApp } from './app.js'
import { TokenAuthenticator } from '../platform/auth.js'
import { createCollectorMetrics } from './metrics.js'
import { createPreparer } from './prepare-pool.js'
import { BatchingProducer, type ProducerOptions } from './producer.js'
import { TenantRateLimiter } from './rate-limit.js'

export interface CollectorHandle {
  url: string
  port: number
  /** Where `/metrics` is served (with `/healthz` and `/readyz`): `collector.metricsPort`. */
  metricsUrl: string
}

export interface CollectorOptions {
  config: AppConfig
  brokers: string[]
  logger: Logger
  registry: Registry
  lifecycle: Lifecycle
  producer?: ProducerOptions
}

/** Readiness asks the cluster for metadata at most every two seconds. */
function kafkaProbe(brokers: string[], kafkaConfig: AppConfig['kafka'], logger: Logger) {
  const kafka = createKafka(
    { brokers, clientId: `${kafkaConfig.clientId}-probe`, security: kafkaConfig },
    logger.child({ probe: true }),
  )
  let cached: { at: number; ready: boolean } | undefined
  return async (): Promise<Health> => {
    if (cached && Date.now() - cached.at < 2_000)
      return cached.ready ? healthy : unhealthy('Kafka unreachable')
    const admin = kafka.admin({ retry: { retries: 0 } })
    let ready = false
    try {
      await admin.connect()
      await admin.describeCluster()
      ready = true
    } catch {
      ready = false
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
    cached = { at: Date.now(), ready }
    return ready ? healthy : unhealthy('Kafka unreachable')
  }
}

/** Starts the HTTP collector; stops in order: stop accepting, finish requests in flight, flush the producer. */
export async function startCollector(options: CollectorOptions): Promise<CollectorHandle> {
  const { config, brokers, logger, registry, lifecycle } = options
  const kafka = createKafka(
    { brokers, clientId: `${config.kafka.clientId}-collector`, security: config.kafka },
    logger,
  )
  const metrics = createCollectorMetrics(registry)
  const producerOptions = { maxSendBytes: config.collector.maxRecordBytes, ...options.producer }
  const producer = new BatchingProducer(kafka, logger, producerOptions, {
    onBatch: (messages, seconds, ok) => {
      metrics.produceSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds)
      metrics.produceBatchMessages.observe(messages)
    },
  })
  await producer.connect()
  lifecycle.register('collector-producer', () => producer.stop())
  // Metrics name tenants, servers and tools, so they stay off the port gateways reach; registered
  // before the ingest port so Prometheus can scrape until the collector has stopped.
  const ops = await startOpsServer({
    port: config.collector.metricsPort,
    host: config.collector.metricsHost,
    registry,
    health: lifecycle.health,
  })
  lifecycle.register('collector-metrics-http', ops.close)

  const preparer = createPreparer({
    threads: config.collector.workers,
    minBytes: config.collector.workerMinBytes,
  })
  lifecycle.register('collector-workers', () => preparer.close())

  const limits = new Map(
    config.tenants.map((tenant) => [tenant.id, tenant.rateLimit ?? config.collector.rateLimit]),
  )
  const app = createCollectorApp({
    config,
    logger,
    registry,
    metrics,
    publisher: producer,
    preparer,
    auth: new TokenAuthenticator(config.tenants),
    limiter: new TenantRateLimiter((tenantId) => limits.get(tenantId) ?? config.collector.rateLimit),
    health: lifecycle.health,
  })
  lifecycle.health.register('collector-kafka', kafkaProbe(brokers, config.kafka, logger))

  const http = await listen(app, config.collector.port, config.collector.host)
  const { server } = http
  server.on('clientError', answerClientError)
  server.requestTimeout = 60_000
  server.headersTimeout = 15_000
  server.keepAliveTimeout = 65_000
  lifecycle.register('collector-http', http.close)
  logger.info({ port: http.port, metricsPort: ops.port }, 'collector_listening')
  return { url: http.url, port: http.port, metricsUrl: ops.url }
}
