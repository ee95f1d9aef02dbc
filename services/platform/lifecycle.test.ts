import { describe, expect, it } from 'vitest'
import { Lifecycle } from './lifecycle.js'
import { createLogger } from './logger.js'

describe('Lifecycle', () => {
  it('stops components in reverse order of registration, once, even when one fails or hangs', async () => {
    const lifecycle = new Lifecycle(createLogger({ level: 'silent' }), 50)
    const order: string[] = []
    lifecycle.register('kafka', () => {
      order.push('kafka')
      return Promise.resolve()
    })
    lifecycle.register('writer', () => new Promise(() => order.push('writer')))
    lifecycle.register('consumer', () => {
      order.push('consumer')
      return Promise.reject(new Error('boom'))
    })
    lifecycle.register('http', () => {
      order.push('http')
      return Promise.resolve()
    })
    await Promise.all([lifecycle.stop('test'), lifecycle.stop('again')])
    expect(order).toEqual(['http', 'consumer', 'writer', 'kafka'])
    expect(lifecycle.isStopping).toBe(true)
  })

  it('runs every forced-exit hook, latest first, even when one throws', () => {
    const lifecycle = new Lifecycle(createLogger({ level: 'silent' }))
    const ran: string[] = []
    lifecycle.onForcedExit('broker', () => ran.push('broker'))
    lifecycle.onForcedExit('broken', () => {
      throw new Error('boom')
    })
    lifecycle.onForcedExit('files', () => ran.push('files'))
    lifecycle.runForcedExitHooks()
    expect(ran).toEqual(['files', 'broker'])
  })
})
