import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import type { Registry } from 'prom-client'

export interface OpsServerOptions {
  port: number
  host: string
  registry: Registry
  /** Readiness: every dependency reachable and every loop making progress. */
  ready: () => Promise<{ ready: boolean; reasons: string[] }> | { ready: boolean; reasons: string[] }
}

/** `/healthz` (the process is alive), `/readyz` (it can do its work) and `/metrics` for a service without an API of its own. */
export async function startOpsServer(
  options: OpsServerOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express()
  app.disable('x-powered-by')
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  app.get('/readyz', async (_req, res) => {
    const state = await options.ready()
    res
      .status(state.ready ? 200 : 503)
      .json({ status: state.ready ? 'ready' : 'not_ready', reasons: state.reasons })
  })
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.registry.contentType)
    res.send(await options.registry.metrics())
  })
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening))
    listening.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
