import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import type { Registry } from 'prom-client'
import type { HealthRegistry } from './health.js'

export interface OpsRoutesOptions {
  registry: Registry
  health: HealthRegistry
}

/**
 * `/healthz` (the process is alive), `/readyz` (every registered component can do its work, and
 * the process is not draining) and `/metrics`. The console serves them beside its API; the other
 * services on an ops port of their own (startOpsServer; the collector keeps only the health routes
 * on its ingest port, since its metrics name tenants).
 */
export function mountOpsRoutes(app: express.Express, options: OpsRoutesOptions): void {
  mountHealthRoutes(app, options.health)
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.registry.contentType)
    res.send(await options.registry.metrics())
  })
}

/** `/healthz` and `/readyz` alone, for load balancers on a port that must not expose `/metrics`. */
export function mountHealthRoutes(app: express.Express, health: HealthRegistry): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  app.get('/readyz', async (_req, res) => {
    const state = await health.readiness()
    if (state.ready) res.json({ status: state.status })
    else res.status(503).json({ status: state.status, reasons: state.reasons })
  })
}

export interface Listener {
  server: Server
  url: string
  port: number
  /** Stops accepting, ends idle keep-alive connections, and resolves when requests in flight are done. */
  close: () => Promise<void>
}

/** Listens on `host:port` (port 0 picks a free one); the URL names loopback for a wildcard host. */
export async function listen(app: express.Express, port: number, host: string): Promise<Listener> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, host, () => resolve(listening))
    listening.once('error', reject)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}

/** The ops routes alone, for a service without an API of its own (normalizer, detector). */
export async function startOpsServer(
  options: OpsRoutesOptions & { port: number; host: string },
): Promise<Listener> {
  const app = express()
  app.disable('x-powered-by')
  mountOpsRoutes(app, options)
  return listen(app, options.port, options.host)
}
