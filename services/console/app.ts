import path from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import helmet from 'helmet'
import { Counter, Histogram, type Registry } from 'prom-client'
import type { z } from 'zod'
import type { AppConfig, TokenScope } from '../../schemas/config.js'
import { TokenAuthenticator } from '../platform/auth.js'
import type { Store } from '../platform/clickhouse.js'
import type { HealthRegistry } from '../platform/health.js'
import type { Logger } from '../platform/logger.js'
import { mountHealthRoutes } from '../platform/ops-server.js'
import { packageRoot } from '../platform/paths.js'
import type { SelfAudit } from '../platform/self-audit.js'
import { ReportRequestError, type Reports } from '../reporter/index.js'
import { QueryBusyError, QueryRejectedError, type AdminQuery } from './admin-query.js'
import { changeAlertStatus, type AlertAction } from './alert-actions.js'
import { locals, requireToken } from './auth.js'
import { AlertsQuery, EventsQuery, issues, SummaryQuery } from './params.js'
import { BadRequestError, getEvent, listAlerts, listEvents, summary } from './queries.js'
import { mountExportStatus, type ExportStatusDeps } from './export-route.js'
import { mountIntegrity, type IntegrityDeps } from './integrity-route.js'
import { mountReports } from './reports-routes.js'

export interface ConsoleDeps {
  config: Pick<AppConfig, 'tenants'>
  store: Store
  selfAudit: SelfAudit
  logger: Logger
  registry: Registry
  /** The process's readiness for `/readyz`. */
  health: HealthRegistry
  adminQuery: AdminQuery
  /** The reporter; without it the reports endpoints answer 503. */
  reports?: Reports
  /** The seal key and interval for `GET /integrity`; without them it answers 503. */
  integrity?: IntegrityDeps
  /** The export sinks and where their status is read (`GET /export/sinks`); without it, no such route. */
  exportStatus?: ExportStatusDeps
}

function consoleMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'mcp_audit_console_requests_total',
      help: 'Console API requests by action and status code',
      labelNames: ['action', 'status'],
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'mcp_audit_console_request_seconds',
      help: 'Console API latency by action',
      labelNames: ['action'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
  }
}

/**
 * The read API under `/api/v1` and the web console at `/` (static ES modules, no build step).
 * Express 5 passes a rejected handler promise to the error handler below.
 */
export function createConsoleApp(deps: ConsoleDeps): express.Express {
  const { store, logger, selfAudit } = deps
  const log = logger.child({ component: 'console' })
  const auth = new TokenAuthenticator(deps.config.tenants)
  const metrics = consoleMetrics(deps.registry)
  const root = packageRoot()
  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  )

  // /metrics names every tenant's servers and tools: it is served on console.metricsPort only.
  mountHealthRoutes(app, deps.health)

  const api = express.Router()
  api.use(express.json({ limit: '64kb' }))
  const guard =
    (action: string, scopes: TokenScope[] = ['read', 'admin']) =>
    (req: Request, res: Response, next: () => void) => {
      const end = metrics.seconds.startTimer({ action })
      res.once('finish', () => {
        end()
        metrics.requests.inc({ action, status: String(res.statusCode) })
      })
      requireToken(auth, action, scopes, selfAudit, log)(req, res, next)
    }
  const tenantOf = (res: Response) => locals(res).principal!.tenantId
  const parse = <T>(schema: z.ZodType<T>, value: unknown, res: Response): T | undefined => {
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    res.status(400).json({ error: issues(parsed.error) })
    return undefined
  }

  api.get('/whoami', guard('console.session.get'), (_req, res) => {
    const principal = locals(res).principal!
    res.json({ tenant: principal.tenantId, token: principal.tokenName, scope: principal.scope })
  })
  api.get('/summary', guard('console.summary.get'), async (req, res) => {
    const range = parse(SummaryQuery, req.query, res)
    if (range) res.json(await summary(store, tenantOf(res), range))
  })
  api.get('/events', guard('console.events.list'), async (req, res) => {
    const query = parse(EventsQuery, req.query, res)
    if (query) res.json(await listEvents(store, tenantOf(res), query))
  })
  api.get('/events/:id', guard('console.events.get'), async (req, res) => {
    const event = await getEvent(store, tenantOf(res), String(req.params.id))
    if (event) res.json({ event })
    else res.status(404).json({ error: `no event ${String(req.params.id)} in this tenant` })
  })
  api.get('/alerts', guard('console.alerts.list'), async (req, res) => {
    const query = parse(AlertsQuery, req.query, res)
    if (query) res.json(await listAlerts(store, tenantOf(res), query))
  })
  for (const action of ['acknowledge', 'resolve'] as AlertAction[]) {
    api.post(`/alerts/:id/${action}`, guard(`console.alerts.${action}`), async (req, res) => {
      const outcome = await changeAlertStatus(
        store,
        tenantOf(res),
        String(req.params.id),
        action,
        locals(res).principal!.tokenName,
      )
      if (outcome.kind === 'ok') res.json({ alert: outcome.alert })
      else if (outcome.kind === 'not_found')
        res.status(404).json({ error: `no alert ${String(req.params.id)} in this tenant` })
      else res.status(409).json({ error: outcome.message })
    })
  }
  mountReports(api, guard, deps.reports)
  mountIntegrity(api, guard, store, deps.integrity)
  if (deps.exportStatus) mountExportStatus(api, guard, deps.exportStatus)
  api.post('/query', guard('console.query', ['admin']), async (req, res) => {
    const body = (req.body ?? {}) as { sql?: unknown; params?: unknown }
    locals(res).auditDetails = { sql: typeof body.sql === 'string' ? body.sql.slice(0, 2_000) : null }
    try {
      const result = await deps.adminQuery.run(tenantOf(res), body.sql, body.params)
      locals(res).auditDetails!.rows = result.rows.length
      res.json({ rows: result.rows, truncated: result.truncated, elapsed_ms: result.elapsedMs })
    } catch (err) {
      if (err instanceof QueryBusyError) {
        res.status(429).set('Retry-After', String(err.retryAfterSeconds)).json({ error: err.message })
        return
      }
      if (!(err instanceof QueryRejectedError)) throw err
      res.status(400).json({ error: err.message, problems: err.problems })
    }
  })
  api.use((_req, res) => {
    res.status(404).json({ error: 'no such API endpoint; see the Console API section of the README' })
  })
  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof BadRequestError || err instanceof ReportRequestError) {
      res.status(400).json({ error: err.message })
      return
    }
    const status = (err as { status?: number; statusCode?: number }).status ?? 500
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: err instanceof Error ? err.message : 'bad request' })
      return
    }
    log.error({ err }, 'console_request_failed')
    res.status(500).json({ error: 'internal error; the console log has the details' })
  })
  app.use('/api/v1', api)

  app.use(
    '/vendor/uplot',
    express.static(path.join(root, 'node_modules', 'uplot', 'dist'), { index: false, fallthrough: false }),
  )
  app.use(express.static(path.join(root, 'services', 'console', 'public'), { index: 'index.html' }))
  return app
}
