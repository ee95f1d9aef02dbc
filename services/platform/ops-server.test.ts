import express from 'express'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { healthy, HealthRegistry, unhealthy } from './health.js'
import { createMetricsRegistry } from './metrics.js'
import { listen, mountOpsRoutes, startOpsServer, type Listener } from './ops-server.js'

describe('ops HTTP helper', () => {
  const open: Listener[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((listener) => listener.close()))
  })

  it('answers /healthz, /readyz and /metrics from the health registry and the metrics registry', async () => {
    const health = new HealthRegistry()
    let failing = false
    health.register('writer', () => (failing ? unhealthy('ClickHouse inserts are failing') : healthy))
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: createMetricsRegistry(),
      health,
    })
    open.push(ops)

    expect(await (await fetch(`${ops.url}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${ops.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready' })
    failing = true
    const notReady = await fetch(`${ops.url}/readyz`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toEqual({
      status: 'not_ready',
      reasons: ['writer: ClickHouse inserts are failing'],
    })
    health.startDraining()
    expect(await (await fetch(`${ops.url}/readyz`)).json()).toMatchObject({ status: 'draining' })
    // Still alive while draining: liveness and readiness differ.
    expect((await fetch(`${ops.url}/healthz`)).status).toBe(200)

    const metrics = await fetch(`${ops.url}/metrics`)
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await metrics.text()).toContain('mcp_audit_process_cpu_seconds_total')
  })

  it('mounts the same routes beside an API, and listen names loopback for a wildcard host', async () => {
    const app = express()
    mountOpsRoutes(app, { registry: new Registry(), health: new HealthRegistry() })
    app.get('/v1/ping', (_req, res) => {
      res.json({ pong: true })
    })
    const listener = await listen(app, 0, '0.0.0.0')
    open.push(listener)
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}`)
    expect((await fetch(`${listener.url}/readyz`)).status).toBe(200)
    expect(await (await fetch(`${listener.url}/v1/ping`)).json()).toEqual({ pong: true })
  })

  it('close stops accepting connections', async () => {
    const listener = await listen(express(), 0, '127.0.0.1')
    await listener.close()
    await expect(fetch(`${listener.url}/healthz`)).rejects.toThrow()
  })
})
