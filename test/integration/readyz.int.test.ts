import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import type { Runtime } from '../../services/runtime/index.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { openTestStore, type TestStore } from '../helpers/store.js'

const logger = createLogger({ level: 'silent' })

async function readyz(
  url: string,
): Promise<{ status: number; body: { status: string; reasons?: string[] } }> {
  const response = await fetch(`${url}/readyz`)
  return { status: response.status, body: (await response.json()) as { status: string; reasons?: string[] } }
}

describe('/readyz of a running process: combined health, 503 while draining', () => {
  let store: TestStore
  let runtime: Runtime
  const lifecycle = new Lifecycle(logger)

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    const suffix = randomUUID().slice(0, 8)
    const config = AppConfig.parse({
      kafka: {
        brokers: inject('kafkaBrokers'),
        topics: { raw: `rz.raw.${suffix}`, dlq: `rz.dlq.${suffix}`, receipts: `rz.receipts.${suffix}` },
        partitions: 1,
      },
      clickhouse: { database: store.database },
      collector: { port: 0, metricsPort: 0, host: '127.0.0.1' },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `rz-${suffix}`, workers: 0, batchMaxWaitMs: 200 },
    })
    runtime = await startTestRuntime(
      config,
      store,
      { services: ['collector', 'normalizer'], ops: { port: 0, host: '127.0.0.1' } },
      lifecycle,
    )
  })
  afterAll(async () => {
    await lifecycle.stop('test')
    await store?.dispose()
  })

  it('answers ready on every port, from the probes of every service in the process', async () => {
    expect(await readyz(runtime.ops!.url)).toEqual({ status: 200, body: { status: 'ready' } })
    expect(await readyz(runtime.collector!.url)).toEqual({ status: 200, body: { status: 'ready' } })
    // The probes the ops port answers from include the normalizer's loops (start used to drop them).
    let stalled = true
    lifecycle.health.register('test-stalled-loop', () =>
      stalled ? { healthy: false, reason: 'no progress for 130 s' } : { healthy: true },
    )
    const collectorAnswer = await readyz(runtime.collector!.url)
    expect(collectorAnswer.status).toBe(503)
    expect(collectorAnswer.body).toEqual({
      status: 'not_ready',
      reasons: ['test-stalled-loop: no progress for 130 s'],
    })
    stalled = false
    expect((await readyz(runtime.ops!.url)).status).toBe(200)
  })

  it('answers 503 "draining" while the services drain, stays alive, and closes the ops port last', async () => {
    // Stopped first (registered last): holds the drain open while the test looks.
    let release: () => void = () => undefined
    lifecycle.register('test-drain-gate', () => new Promise<void>((resolve) => (release = resolve)))
    const stopping = lifecycle.stop('test')

    const during = await readyz(runtime.ops!.url)
    expect(during.status).toBe(503)
    expect(during.body.status).toBe('draining')
    expect(during.body.reasons).toContain('shutdown in progress')
    expect((await readyz(runtime.collector!.url)).status).toBe(503)
    expect((await fetch(`${runtime.ops!.url}/healthz`)).status).toBe(200)

    release()
    await stopping
    await expect(fetch(`${runtime.ops!.url}/healthz`)).rejects.toThrow()
  })
})
