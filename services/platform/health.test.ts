import { describe, expect, it } from 'vitest'
import { healthy, HealthRegistry, unhealthy } from './health.js'
import { Lifecycle } from './lifecycle.js'
import { createLogger } from './logger.js'

describe('HealthRegistry', () => {
  it('is ready when every probe is healthy, and names each unhealthy component with its reason', async () => {
    const health = new HealthRegistry()
    let stalled = false
    health.register('normalizer-events', () => (stalled ? unhealthy('no progress for 130 s') : healthy))
    health.register('clickhouse', () => Promise.resolve(healthy))
    expect(await health.readiness()).toEqual({ ready: true, status: 'ready', reasons: [] })
    stalled = true
    expect(await health.readiness()).toEqual({
      ready: false,
      status: 'not_ready',
      reasons: ['normalizer-events: no progress for 130 s'],
    })
  })

  it('counts a probe that throws or rejects as unhealthy', async () => {
    const health = new HealthRegistry()
    health.register('outbox', () => {
      throw new Error('outbox table unreadable')
    })
    health.register('kafka', () => Promise.reject(new Error('no broker')))
    expect((await health.readiness()).reasons).toEqual([
      'outbox: outbox table unreadable',
      'kafka: no broker',
    ])
  })

  it('refuses two probes under one name', () => {
    const health = new HealthRegistry()
    health.register('detector-scheduler', () => healthy)
    expect(() => health.register('detector-scheduler', () => healthy)).toThrow(/already registered/)
  })

  it('reports draining, not ready, from the first stop of the lifecycle on', async () => {
    const lifecycle = new Lifecycle(createLogger({ level: 'silent' }))
    lifecycle.health.register('writer', () => healthy)
    let during: unknown
    lifecycle.register('writer', async () => {
      during = await lifecycle.health.readiness()
    })
    expect((await lifecycle.health.readiness()).ready).toBe(true)
    await lifecycle.stop('test')
    expect(during).toEqual({ ready: false, status: 'draining', reasons: ['shutdown in progress'] })
    expect(lifecycle.health.isDraining).toBe(true)
  })
})
