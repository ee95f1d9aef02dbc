import type { AddressInfo } from 'node:net'
import express, { type Request, type Response } from 'express'
import { afterAll, describe, expect, it } from 'vitest'
import { SinkConfig } from '../../schemas/export.js'
import { locals } from './auth.js'
import { mountExportStatus, type ExportStatusDeps } from './export-route.js'

const sinks = [
  SinkConfig.parse({
    name: 'soc',
    type: 'splunk-hec',
    url: 'https://splunk.example:8088',
    token: 'hec-token-0123456789',
    tenants: ['acme'],
  }),
  SinkConfig.parse({ name: 'globex-lake', type: 'kafka', topic: 'g', tenants: ['globex'] }),
]

/** Stands in for the token check: every call is reader@acme. */
const guard = () => (_req: Request, res: Response, next: () => void) => {
  locals(res).principal = { tenantId: 'acme', tokenName: 'reader', scope: 'read' }
  next()
}

const servers: Array<ReturnType<express.Express['listen']>> = []
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
})

async function get(
  deps: ExportStatusDeps,
): Promise<{ source: string; sinks: Array<Record<string, unknown>> }> {
  const router = express.Router()
  mountExportStatus(router, guard, deps)
  const app = express().use('/api', router)
  const server = await new Promise<ReturnType<express.Express['listen']>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  servers.push(server)
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/export/sinks`)
  expect(res.status).toBe(200)
  return (await res.json()) as { source: string; sinks: Array<Record<string, unknown>> }
}

const nothingSaved = () => Promise.resolve([])

describe('GET /export/sinks', () => {
  it("answers live from the exporter in this process, with the caller's sinks only", async () => {
    const body = await get({
      sinks,
      unhealthyAfterSeconds: 300,
      saved: nothingSaved,
      live: () => [
        {
          name: 'soc',
          lag: 3,
          failingSinceMs: undefined,
          lastError: undefined,
          lastSuccessMs: undefined,
          recordsPerSecond: 0,
        },
      ],
    })
    expect(body.source).toBe('live')
    expect(body.sinks.map((sink) => [sink.name, sink.status, sink.lag])).toEqual([['soc', 'ok', 3]])
    expect(JSON.stringify(body)).not.toContain('hec-token')
  })

  it('answers from what the exporter saved in server mode, saying how old it is', async () => {
    const updatedAt = new Date(Date.now() - 3_000).toISOString()
    const body = await get({
      sinks,
      unhealthyAfterSeconds: 300,
      saved: () =>
        Promise.resolve([
          {
            name: 'soc',
            type: 'splunk-hec',
            records: ['event'],
            lag: 3,
            paused: true,
            lastError: 'HEC 503: server busy',
            lastSuccessAt: null,
            failingSince: updatedAt,
            lagging: false,
            sentTotal: {},
            recordsPerSecond: 0,
            updatedAt,
            reporting: true,
          },
        ]),
    })
    expect(body.source).toBe('store')
    expect(body.sinks).toMatchObject([
      { name: 'soc', status: 'paused', lag: 3, last_error: 'HEC 503: server busy', source: 'store' },
    ])
    expect(body.sinks[0]!.status_age_seconds).toBeGreaterThanOrEqual(3)
  })
})
