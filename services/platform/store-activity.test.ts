import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { trackActivity } from './store-activity.js'

/** A client whose calls finish when the test says so. */
function slowClient() {
  const pending: Array<() => void> = []
  const call = () => new Promise<string>((resolve) => pending.push(() => resolve('done')))
  const client = { query: call, insert: call, command: call, exec: call } as unknown as ClickHouseClient
  return { client, finishAll: () => pending.splice(0).forEach((finish) => finish()) }
}

describe('trackActivity', () => {
  it('is quiet only after every call has returned and the quiet time has passed', async () => {
    const { client, finishAll } = slowClient()
    const activity = trackActivity(client)
    expect(await activity.waitForQuiet(0, 0)).toBe(true)
    const running = Promise.all([
      client.query({ query: 'SELECT 1' }),
      client.insert({ table: 't', values: [] }),
    ])
    expect(await activity.waitForQuiet(0, 60)).toBe(false)
    finishAll()
    expect(await running).toEqual(['done', 'done'])
    const started = Date.now()
    expect(await activity.waitForQuiet(80, 2_000)).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(60)
  })

  it('passes failures through and still counts the call as finished', async () => {
    const client = {
      query: () => Promise.reject(new Error('Code: 60. table is missing')),
      insert: () => Promise.resolve(),
      command: () => Promise.resolve(),
      exec: () => Promise.resolve(),
    } as unknown as ClickHouseClient
    const activity = trackActivity(client)
    await expect(client.query({ query: 'SELECT 1' })).rejects.toThrow(/table is missing/)
    expect(await activity.waitForQuiet(0, 0)).toBe(true)
  })
})
