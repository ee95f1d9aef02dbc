import { describe, expect, test } from 'vitest'
import { isOffHours, localTime } from './clock.js'
import { createTraffic, generateTraffic, type TrafficOptions } from './generate.js'
import { PII_TYPES, SECRET_TYPES } from './sensitive.js'
import type { SimRecord } from './types.js'

interface GenericRecord {
  event_id: string
  timestamp: string
  method: string
  server: { name: string }
  tool: string | null
  session_id: string | null
  client: { name: string; version: string } | null
  user: { id: string; roles: string[] } | null
  arguments: unknown
  result: unknown
  status: string
  duration_ms: number
  attributes: Record<string, string>
}

const DAY: TrafficOptions = {
  seed: 'a-day',
  rate: 200,
  duration: 60,
  compressTime: 1440,
  start: '2026-11-24T00:00:00Z',
  catalogue: 'builtin',
  outputFormat: 'generic',
}

const event = (record: SimRecord) => record.record as GenericRecord

describe('determinism', () => {
  const options: TrafficOptions = { ...DAY, rate: 40, scenarios: ['all'], outputFormat: undefined }

  test('the same seed and start give the same records, byte for byte', () => {
    expect(JSON.stringify(generateTraffic(options))).toBe(JSON.stringify(generateTraffic(options)))
  })

  test('without a start, the same seed and clock give the same records', () => {
    const live = { ...options, start: undefined, compressTime: 1, now: Date.parse('2026-11-24T10:00:00Z') }
    expect(JSON.stringify(generateTraffic(live))).toBe(JSON.stringify(generateTraffic(live)))
  })

  test('another seed gives other traffic', () => {
    const a = generateTraffic(options).map((record) => record.eventId)
    const b = generateTraffic({ ...options, seed: 'another' }).map((record) => record.eventId)
    expect(a).not.toEqual(b)
  })

  test('a shared population seed keeps the people and servers while the traffic differs', () => {
    const history = createTraffic({ ...options, seed: 'history', populationSeed: 'acme' })
    const today = createTraffic({ ...options, seed: 'today', populationSeed: 'acme' })
    const other = createTraffic({ ...options, seed: 'today' })
    const people = (traffic: typeof history) =>
      traffic.tenants.map((tenant) => [tenant.humans.map((u) => u.id), tenant.servers.map((s) => s.name)])
    expect(people(today)).toEqual(people(history))
    expect(people(other)).not.toEqual(people(history))
    const ids = new Set([...history.records].map((record) => record.eventId))
    expect([...today.records].filter((record) => ids.has(record.eventId))).toEqual([])
  })

  test('an unseeded run reports the seed that reproduces it', () => {
    const first = createTraffic({ ...options, seed: undefined })
    const again = createTraffic({ ...options, seed: first.seed })
    expect(JSON.stringify([...again.records])).toBe(JSON.stringify([...first.records]))
  })
})

describe('a benign day', () => {
  const traffic = createTraffic(DAY)
  const records = [...traffic.records]
  const calls = records.filter((record) => record.method === 'tools/call')
  const zone = new Map(traffic.tenants.map((tenant) => [tenant.id, tenant.timezone]))
  const people = new Set(traffic.tenants.flatMap((tenant) => tenant.humans.map((user) => user.id)))

  test('fills the span with the requested number of calls, in time order', () => {
    expect(records).toHaveLength(12_000)
    const times = records.map((record) => Date.parse(record.timestamp))
    expect(times.every((time, index) => index === 0 || time >= times[index - 1]!)).toBe(true)
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse('2026-11-24T00:00:00Z'))
    expect(times.at(-1)).toBeLessThan(Date.parse('2026-11-25T00:00:00Z'))
  })

  test('carries no scenario marks', () => {
    expect(records.filter((record) => record.scenario)).toEqual([])
    expect(records.filter((record) => event(record).attributes.sim_scenario)).toEqual([])
  })

  test('people work only in their working hours; automations run around the clock', () => {
    const offHours = records.filter((record) => {
      const user = event(record).user
      return (
        user &&
        people.has(user.id) &&
        isOffHours(localTime(zone.get(record.tenant)!, Date.parse(record.timestamp)))
      )
    })
    expect(offHours).toEqual([])
    const night = records.filter(
      (record) =>
        record.tenant === 'acme' && localTime('Europe/Berlin', Date.parse(record.timestamp)).hour < 5,
    )
    expect(night.length).toBeGreaterThan(0)
    expect(night.every((record) => event(record).user?.roles.includes('service-account'))).toBe(true)
  })

  test('follows a daily cycle: busier at local mid-morning than at night', () => {
    const acme = records.filter((record) => record.tenant === 'acme')
    const hourOf = (record: SimRecord) => localTime('Europe/Berlin', Date.parse(record.timestamp)).hour
    const morning = acme.filter((record) => hourOf(record) >= 10 && hourOf(record) < 11).length
    const night = acme.filter((record) => hourOf(record) >= 2 && hourOf(record) < 3).length
    expect(morning).toBeGreaterThan(night * 5)
  })

  test('stays under the classic alert thresholds: per server, errors under 5 % and p95 latency under 1 s', () => {
    const byServer = new Map<string, GenericRecord[]>()
    for (const record of calls)
      byServer.set(event(record).server.name, [
        ...(byServer.get(event(record).server.name) ?? []),
        event(record),
      ])
    for (const [server, events] of byServer) {
      const failed = events.filter((e) => e.status === 'error' || e.status === 'timeout').length
      expect(failed / events.length, server).toBeLessThan(0.05)
      const latencies = events.map((e) => e.duration_ms).sort((a, b) => a - b)
      expect(latencies[Math.floor(latencies.length * 0.95)], server).toBeLessThan(1000)
    }
  })

  test('no session calls more than 30 times in a minute, and no user is denied in bursts', () => {
    const perSessionMinute = new Map<string, number>()
    const deniedPerUserHour = new Map<string, number>()
    for (const record of records) {
      const e = event(record)
      if (e.session_id) {
        const key = `${e.session_id}|${e.timestamp.slice(0, 16)}`
        perSessionMinute.set(key, (perSessionMinute.get(key) ?? 0) + 1)
      }
      if (e.status === 'denied') {
        const key = `${e.user?.id}|${e.timestamp.slice(0, 13)}`
        deniedPerUserHour.set(key, (deniedPerUserHour.get(key) ?? 0) + 1)
      }
    }
    expect(Math.max(...perSessionMinute.values())).toBeLessThanOrEqual(30)
    expect(Math.max(0, ...deniedPerUserHour.values())).toBeLessThan(5)
  })

  test('every call has a user, and a tools/list hash stays the same per tenant and server', () => {
    expect(records.filter((record) => !event(record).user)).toEqual([])
    const hashes = new Map<string, Set<string>>()
    for (const record of records.filter((r) => r.method === 'tools/list')) {
      const key = `${record.tenant}/${event(record).server.name}`
      hashes.set(key, (hashes.get(key) ?? new Set()).add(event(record).attributes.tool_definition_hash!))
    }
    expect(hashes.size).toBeGreaterThan(10)
    for (const [key, values] of hashes) expect(values.size, key).toBe(1)
  })

  test('MCP 2026-07-28 clients have no session id; older ones mostly do', () => {
    const modern = records.filter((record) =>
      ['2.1.3', '1.106.0-insider', '1.4.0'].includes(event(record).client?.version ?? ''),
    )
    expect(modern.length).toBeGreaterThan(0)
    expect(modern.every((record) => event(record).session_id === null)).toBe(true)
    const older = records.filter((record) => event(record).client?.version === '2.0.14')
    expect(older.filter((record) => event(record).session_id !== null).length / older.length).toBeGreaterThan(
      0.8,
    )
  })

  test('plants personal data and secrets at about the configured rates', () => {
    const withPii = calls.filter((record) =>
      record.planted?.some((type) => (PII_TYPES as readonly string[]).includes(type)),
    )
    const withSecret = calls.filter((record) =>
      record.planted?.some((type) => (SECRET_TYPES as readonly string[]).includes(type)),
    )
    expect(withPii.length / calls.length).toBeGreaterThan(0.014)
    expect(withPii.length / calls.length).toBeLessThan(0.026)
    expect(withSecret.length / calls.length).toBeGreaterThan(0.0008)
    expect(withSecret.length / calls.length).toBeLessThan(0.0035)
    for (const record of withPii) {
      const text = JSON.stringify([event(record).arguments, event(record).result])
      expect(text).toMatch(/@|\+1 415 555|\d{4} \d{4} \d{4} \d{4}|DE\d{2} |\d{3}-\d{2}-\d{4}/)
    }
    expect(
      withSecret.every((record) => event(record).attributes.sim_planted === record.planted!.join(',')),
    ).toBe(true)
  })

  test('with the rates at zero, nothing is planted', () => {
    const clean = generateTraffic({ ...DAY, rate: 50, piiRate: 0, secretRate: 0 })
    expect(clean.filter((record) => record.planted)).toEqual([])
  })
})

describe('options', () => {
  test('a compressed run without a start ends now', () => {
    const now = Date.parse('2026-11-24T12:00:00Z')
    const traffic = createTraffic({ rate: 10, duration: 60, compressTime: 60, now, catalogue: 'builtin' })
    expect(traffic.end).toBe(new Date(now + 60_000).toISOString())
    expect(traffic.start).toBe(new Date(now + 60_000 - 3_600_000).toISOString())
  })

  test('bad options are errors that name the option', () => {
    expect(() => createTraffic({ rate: 0 })).toThrow(/rate must be a positive number/)
    expect(() => createTraffic({ piiRate: 2, catalogue: 'builtin' })).toThrow(
      /piiRate must be between 0 and 1/,
    )
    expect(() => createTraffic({ start: 'yesterday', catalogue: 'builtin' })).toThrow(/is not a date/)
    expect(() => createTraffic({ scenarios: ['sql-injection'], catalogue: 'builtin' })).toThrow(
      /unknown scenario "sql-injection"; use all, benign or any of/,
    )
  })

  test('errorScale 0 gives traffic without failures or denials', () => {
    const records = generateTraffic({ ...DAY, rate: 50, errorScale: 0 })
    expect(records.filter((record) => record.status !== 'success')).toEqual([])
    const noisy = generateTraffic({ ...DAY, rate: 50, errorScale: 3 })
    expect(noisy.filter((record) => record.status === 'error').length).toBeGreaterThan(100)
  })

  test('service accounts are few, stable across rates, and named for the pseudonymization config', () => {
    const slow = createTraffic({ ...DAY, rate: 5 })
    const fast = createTraffic({ ...DAY, rate: 2000, duration: 1 })
    expect(slow.serviceAccounts).toEqual(fast.serviceAccounts)
    expect(slow.serviceAccounts).toContain('svc-nightly-report@acme.example')
    expect(slow.serviceAccounts).toHaveLength(9)
  })

  test('formats restrict the gateways every tenant runs', () => {
    const records = generateTraffic({ ...DAY, rate: 20, outputFormat: undefined, formats: ['kong', 'otlp'] })
    expect(new Set(records.map((record) => record.format))).toEqual(new Set(['kong', 'otlp']))
  })
})
