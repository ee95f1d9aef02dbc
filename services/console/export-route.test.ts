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

const noCheckpoints = () => Promise.resolve(new Map())

describe('GET /export/sinks', () => {
  it("answers live from the exporter in this process, with the caller's sinks only", async () => {
    const body = await get({
      sinks,
      unhealthyAfterSeconds: 300,
      checkpoints: noCheckpoints,
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

  it('answers from the store in server mode, the lag unknown when Kafka cannot be read', async () => {
    const checkpoints = () =>
      Promise.resolve(new Map([['soc', { positions: new Map([[0, 7]]), updatedAtMs: Date.now() }]]))
    const withKafka = await get({
      sinks,
      unhealthyAfterSeconds: 300,
      checkpoints,
      committed: () => Promise.resolve(new Map([[0, 10]])),
    })
    expect(withKafka.source).toBe('store')
    expect(withKafka.sinks).toMatchObject([{ name: 'soc', status: 'ok', lag: 3, source: 'store' }])
    const kafkaDown = await get({
      sinks,
      unhealthyAfterSeconds: 300,
      checkpoints,
      committed: () => Promise.reject(new Error('broker unreachable')),
    })
    expect(kafkaDown.sinks).toMatchObject([{ name: 'soc', status: 'unknown', lag: null }])
  })
})
