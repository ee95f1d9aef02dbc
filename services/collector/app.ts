import type { Duplex } from 'node:stream'
import express, { type NextFunction, type Request, type Response } from 'express'
import helmet from 'helmet'
import type { TopicMessages } from '../platform/kafka/client.js'
import type { Registry } from 'prom-client'
import type { AppConfig } from '../../schemas/config.js'
import type { HealthRegistry } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import { mountOpsRoutes } from '../platform/ops-server.js'
import { GatewayFormat, type AdapterName } from './adapters/types.js'
import { authorize, type TokenAuthenticator } from '../platform/auth.js'
import type { EventError } from './ingest.js'
import type { Preparer } from './prepare-pool.js'
import type { CollectorMetrics } from './metrics.js'
import { KafkaUnavailableError } from './producer.js'
import type { TenantRateLimiter } from './rate-limit.js'
import { buildReceipt } from './receipts.js'

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

/** At most this many per-event errors are listed in one answer; the counts stay exact. */
const MAX_LISTED_ERRORS = 100
const RETRY_AFTER_UNAVAILABLE_SECONDS = 5

interface IngestAnswer {
  accepted: number
  rejected: number
  errors: EventError[]
  errors_truncated?: boolean
  error?: string
}

function answer(accepted: number, errors: EventError[], error?: string): IngestAnswer {
  const body: IngestAnswer = {
    accepted,
    rejected: new Set(errors.map((e) => e.index)).size,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
  }
  if (errors.length > MAX_LISTED_ERRORS) body.errors_truncated = true
  if (error) body.error = error
  return body
}

const CLIENT_ERRORS: Record<string, { status: number; text: string; reason: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    text: 'Request Header Fields Too Large',
    reason: 'the request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    text: 'Request Timeout',
    reason: 'the request did not arrive in time',
  },
}

/**
 * Answers requests that Node's HTTP parser refuses before express sees them (bytes after a body
 * shorter than its Content-Length, broken chunking, oversized headers) with the same JSON body as
 * every other refusal, where Node's default answer is a bare `400 Bad Request`. Then closes the
 * connection, since its framing can no longer be trusted.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const known = CLIENT_ERRORS[err.code ?? '']
  const { status, text } = known ?? { status: 400, text: 'Bad Request' }
  const reason = known?.reason ?? `the request is not well-formed HTTP/1.1 (${err.code ?? err.message})`
  const body = JSON.stringify(answer(0, [], `${reason}; nothing from this request was accepted`))
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

export function createCollectorApp(deps: CollectorDeps): express.Express {
  const { config, logger, metrics, auth, limiter, publisher } = deps
  const log = logger.child({ component: 'collector' })
  const topics = config.kafka.topics
  const limit = config.collector.maxBodyBytes
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

  mountOpsRoutes(app, { registry: deps.registry, health: deps.health })

  // body-parser inflates gzip/deflate/br and applies the limit to the inflated bytes (no zip bombs).
  const rawBody = express.raw({ type: () => true, limit: config.collector.maxBodyBytes, inflate: true })

  const ingest = (route: '/v1/events' | '/v1/logs') => async (req: Request, res: Response) => {
    const started = performance.now()
    metrics.inFlight.inc()
    // Docker's HTTP interceptor hands any non-empty answer to the agent in place of the tool's
    // result, so for ?format=docker the outcome travels in headers and the body stays empty.
    const emptyBody = req.query.format === 'docker'
    const reply = (status: number, body: IngestAnswer) => {
      metrics.requests.inc({ route, status: String(status) })
      if (!emptyBody) {
        res.status(status).json(body)
        return
      }
      res.setHeader('X-MCP-Audit-Accepted', String(body.accepted))
      res.setHeader('X-MCP-Audit-Rejected', String(body.rejected))
      const reason = body.error ?? body.errors[0]?.message
      if (reason) res.setHeader('X-MCP-Audit-Error', reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 512))
      res.status(status).end()
    }
    try {
      const caller = auth.authenticate(req.headers.authorization)
      const authResult = caller.ok ? authorize(caller.principal, ['ingest']) : caller
      if (!authResult.ok) {
        metrics.eventsRejected.inc({ tenant: '', reason: 'unauthorized' })
        if (authResult.status === 401) res.setHeader('WWW-Authenticate', 'Bearer')
        reply(authResult.status, answer(0, [], authResult.message))
        return
      }
      const { tenantId, tokenName } = authResult.principal

      let format: AdapterName | undefined = route === '/v1/logs' ? 'otlp' : undefined
      const requested = req.query.format
      if (route === '/v1/events' && requested !== undefined) {
        const parsed = GatewayFormat.safeParse(requested)
        if (!parsed.success) {
          reply(
            400,
            answer(
              0,
              [],
              `unknown format ${JSON.stringify(requested)}; use one of ${GatewayFormat.options.join(', ')}`,
            ),
          )
          return
        }
        format = parsed.data
      }
      if (route === '/v1/logs' && /protobuf/i.test(req.headers['content-type'] ?? '')) {
        reply(
          415,
          answer(0, [], 'OTLP/HTTP protobuf is not supported; configure the exporter for JSON (http/json)'),
        )
        return
      }

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
      const { events, errors } = prepared
      const rejectedRecords = new Set(errors.map((e) => e.index)).size
      if (rejectedRecords > 0)
        metrics.eventsRejected.inc({ tenant: tenantId, reason: 'invalid' }, rejectedRecords)
      if (events.length === 0) {
        reply(400, answer(0, errors, 'no valid event in the request'))
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
      const headers = { tenant_id: tenantId, gateway: tokenName }
      try {
        await publisher.publish([
          {
            topic: topics.raw,
            messages: events.map(({ key, value, format: eventFormat }) => ({
              key,
              value,
              headers: { ...headers, format: eventFormat },
            })),
          },
          { topic: topics.receipts, messages: [{ key: tenantId, value: JSON.stringify(receipt), headers }] },
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
    } finally {
      metrics.inFlight.dec()
      metrics.requestSeconds.observe({ route }, (performance.now() - started) / 1000)
    }
  }

  app.post('/v1/events', rawBody, ingest('/v1/events'))
  app.post('/v1/logs', rawBody, ingest('/v1/logs'))

  app.use((_req, res) => {
    res.status(404).json({
      error: 'not found: the collector serves POST /v1/events, POST /v1/logs, /healthz, /readyz, /metrics',
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
