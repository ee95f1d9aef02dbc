import express, { type NextFunction, type Request, type Response } from 'express'
import helmet from 'helmet'
import type { TopicMessages } from '../platform/kafka/client.js'
import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import type { HealthRegistry } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import { mountHealthRoutes } from '../platform/ops-server.js'
import { GatewayFormat, type AdapterName } from './adapters/types.js'
import { authorize, type Principal, type TokenAuthenticator } from '../platform/auth.js'
import { BodyBudget } from './body-budget.js'
import { answer, replier, type IngestRoute } from './answers.js'
import type { Preparer } from './prepare-pool.js'
import type { CollectorMetrics } from './metrics.js'
import { KafkaUnavailableError } from './producer.js'
import type { TenantRateLimiter } from './rate-limit.js'
import { buildReceipt } from './receipts.js'
import { refuseOversized } from './record-size.js'

export interface Publisher {
  publish(topicMessages: TopicMessages[]): Promise<void>
}

export interface CollectorDeps {
  config: AppConfig
  logger: Logger
  registry: Registry
  metrics: CollectorMetrics
  publisher: Publisher
  /** Parses and validates bodies, on worker threads when they are large. */
  preparer: Preparer
  auth: TokenAuthenticator
  limiter: TenantRateLimiter
  /** The process's readiness for `/readyz` (the collector registers its Kafka probe there). */
  health: HealthRegistry
}

const RETRY_AFTER_UNAVAILABLE_SECONDS = 5
const RETRY_AFTER_BUSY_SECONDS = 1

/** What `admit` decided from the headers, for the handler that runs once the body is read. */
interface Admitted {
  principal: Principal
  format?: AdapterName
}

export function createCollectorApp(deps: CollectorDeps): express.Express {
  const { config, logger, metrics, auth, limiter, publisher } = deps
  const log = logger.child({ component: 'collector' })
  const topics = config.kafka.topics
  const limit = config.collector.maxBodyBytes
  const budget = new BodyBudget(config.collector.maxBodyBytesInFlight, limit)
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
    }),
  )
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  })

  // /metrics names tenants, servers and tools: it is served on the collector's metrics port only.
  mountHealthRoutes(app, deps.health)

  // body-parser inflates gzip/deflate/br and applies the limit to the inflated bytes (no zip bombs).
  const rawBody = express.raw({ type: () => true, limit: config.collector.maxBodyBytes, inflate: true })

  /**
   * Everything that can be decided from the request line and headers is decided before a byte of
   * the body is read: the token, its scope, the format, and a share of the in-flight body budget.
   * A refusal closes the connection rather than reading the rest of the body.
   */
  const admit = (route: IngestRoute) => (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now()
    metrics.inFlight.inc()
    res.once('close', () => {
      metrics.inFlight.dec()
      metrics.requestSeconds.observe({ route }, (performance.now() - started) / 1000)
    })
    const reply = replier(req, res, route, metrics)
    const refuse = (status: number, message: string) => {
      res.setHeader('Connection', 'close')
      reply(status, answer(0, [], message))
    }
    const caller = auth.authenticate(req.headers.authorization)
    const authResult = caller.ok ? authorize(caller.principal, ['ingest']) : caller
    if (!authResult.ok) {
      metrics.eventsRejected.inc({ tenant: '', reason: 'unauthorized' })
      if (authResult.status === 401) res.setHeader('WWW-Authenticate', 'Bearer')
      refuse(authResult.status, authResult.message)
      return
    }
    let format: AdapterName | undefined = route === '/v1/logs' ? 'otlp' : undefined
    const requested = req.query.format
    if (route === '/v1/events' && requested !== undefined) {
      const parsed = GatewayFormat.safeParse(requested)
      if (!parsed.success) {
        refuse(
          400,
          `unknown format ${JSON.stringify(requested)}; use one of ${GatewayFormat.options.join(', ')}`,
        )
        return
      }
      format = parsed.data
    }
    if (route === '/v1/logs' && /protobuf/i.test(req.headers['content-type'] ?? '')) {
      refuse(415, 'OTLP/HTTP protobuf is not supported; configure the exporter for JSON (http/json)')
      return
    }
    const release = budget.reserve(budget.shareOf(req.headers))
    if (!release) {
      metrics.eventsRejected.inc({ tenant: authResult.principal.tenantId, reason: 'busy' })
      res.setHeader('Retry-After', String(RETRY_AFTER_BUSY_SECONDS))
      refuse(
        503,
        `the collector is reading ${budget.capacity} bytes of bodies already (collector.maxBodyBytesInFlight); nothing from this request was accepted, retry it`,
      )
      return
    }
    res.once('close', release)
    const admitted: Admitted = { principal: authResult.principal, ...(format ? { format } : {}) }
    res.locals.admitted = admitted
    next()
  }

  const ingest = (route: IngestRoute) => async (req: Request, res: Response) => {
    const reply = replier(req, res, route, metrics)
    const { principal, format } = res.locals.admitted as Admitted
    const { tenantId, tokenName } = principal

    const body: unknown = req.body
    const receivedAt = new Date().toISOString()
    const serverName = typeof req.query.server === 'string' ? req.query.server.slice(0, 512) : undefined
    const prepared = await deps.preparer.prepare({
      body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      contentType: req.headers['content-type'],
      ctx: {
        tenantId,
        gateway: tokenName,
        receivedAt,
        ...(format ? { format } : {}),
        ...(serverName ? { serverName } : {}),
      },
    })
    if (prepared.kind === 'error') {
      reply(prepared.status, answer(0, [], prepared.message))
      return
    }
    const { events, errors, tooLarge } = refuseOversized(prepared, config.collector.maxRecordBytes)
    const rejectedRecords = new Set(errors.map((e) => e.index)).size
    if (rejectedRecords > 0) {
      metrics.eventsRejected.inc({ tenant: tenantId, reason: 'invalid' }, rejectedRecords - tooLarge)
      metrics.eventsRejected.inc({ tenant: tenantId, reason: 'too_large' }, tooLarge)
    }
    if (events.length === 0) {
      // A request whose only records are too large for Kafka is itself too large.
      const alone = tooLarge > 0 && tooLarge === rejectedRecords
      reply(alone ? 413 : 400, answer(0, errors, 'no valid event in the request'))
      return
    }

    const allowed = limiter.take(tenantId, events.length)
    if (!allowed.ok) {
      metrics.eventsRejected.inc({ tenant: tenantId, reason: 'rate_limited' }, events.length)
      res.setHeader('Retry-After', String(allowed.retryAfterSeconds))
      reply(429, answer(0, errors, allowed.reason))
      return
    }

    const receipt = buildReceipt(events, rejectedRecords, { tenantId, gateway: tokenName, receivedAt })
    try {
      await publisher.publish([
        {
          topic: topics.raw,
          // No headers: tenant, gateway and format are in the envelope already, and three headers
          // per record cost about a fifth of kafkajs' CPU per event (record encoding).
          messages: events.map(({ key, value }) => ({ key, value })),
        },
        {
          topic: topics.receipts,
          messages: [
            {
              key: tenantId,
              value: JSON.stringify(receipt),
              headers: { tenant_id: tenantId, gateway: tokenName },
            },
          ],
        },
      ])
    } catch (err) {
      if (!(err instanceof KafkaUnavailableError)) throw err
      metrics.eventsRejected.inc({ tenant: tenantId, reason: 'kafka_unavailable' }, events.length)
      res.setHeader('Retry-After', String(RETRY_AFTER_UNAVAILABLE_SECONDS))
      reply(503, answer(0, errors, `${err.message}; nothing from this request was acknowledged, retry it`))
      return
    }
    const byFormat = new Map<string, number>()
    for (const event of events) byFormat.set(event.format, (byFormat.get(event.format) ?? 0) + 1)
    for (const [eventFormat, count] of byFormat)
      metrics.eventsAccepted.inc({ tenant: tenantId, format: eventFormat }, count)
    reply(202, answer(events.length, errors))
  }

  app.post('/v1/events', admit('/v1/events'), rawBody, ingest('/v1/events'))
  app.post('/v1/logs', admit('/v1/logs'), rawBody, ingest('/v1/logs'))

  app.use((_req, res) => {
    res.status(404).json({
      error: `not found: the collector serves POST /v1/events, POST /v1/logs, /healthz, /readyz (and /metrics on port ${config.collector.metricsPort})`,
    })
  })

  // Errors from the body reader (size, aborted uploads) and anything unexpected: a status and a
  // reason for the client, never a stack trace.
  app.use(
    (
      err: Error & { type?: string; status?: number; code?: string },
      req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      const route = req.path === '/v1/events' || req.path === '/v1/logs' ? req.path : 'other'
      if (err.type === 'entity.too.large') {
        metrics.requests.inc({ route, status: '413' })
        res
          .status(413)
          .json(
            answer(
              0,
              [],
              `the body exceeds ${limit} bytes (collector.maxBodyBytes, counted after decompression); send smaller batches`,
            ),
          )
        return
      }
      if (err.type === 'encoding.unsupported') {
        metrics.requests.inc({ route, status: '415' })
        res.status(415).json(answer(0, [], `${err.message}; send identity, gzip, deflate or br`))
        return
      }
      if (err.status !== undefined && err.status >= 400 && err.status < 500) {
        metrics.requests.inc({ route, status: '400' })
        // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR: bad header, bad data check, truncated stream).
        const inflating = err.code?.startsWith('Z_') ?? false
        const reason =
          inflating || /header check|end of file|invalid|zlib|decompress/i.test(err.message)
            ? `the body does not match its Content-Encoding (${err.message})`
            : `the request body could not be read: ${err.message}`
        res.status(400).json(answer(0, [], reason))
        return
      }
      log.error({ err, route }, 'collector_request_failed')
      metrics.requests.inc({ route, status: '500' })
      res.status(500).json(answer(0, [], 'internal error; the request was not acknowledged, retry it'))
    },
  )
  return app
}
