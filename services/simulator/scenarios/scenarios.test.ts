import { describe, expect, test } from 'vitest'
import { isOffHours, localTime } from '../clock.js'
import { createTraffic, type TrafficOptions } from '../generate.js'
import type { SimRecord } from '../types.js'
import { SCENARIO_NAMES, type Incident, type ScenarioName } from './index.js'

interface Event {
  event_id: string
  timestamp: string
  method: string
  server: { name: string }
  tool: string | null
  session_id: string | null
  user: { id: string; roles: string[] } | null
  arguments: Record<string, unknown> | null
  result: { content?: Array<{ text: string }>; tools?: Array<{ description: string }> } | null
  status: string
  attributes: Record<string, string>
}

const OPTIONS: TrafficOptions = {
  seed: 'scenarios',
  rate: 100,
  duration: 60,
  compressTime: 1440,
  start: '2026-11-24T00:00:00Z',
  catalogue: 'builtin',
  outputFormat: 'generic',
  scenarios: ['all'],
}

function run(options: TrafficOptions) {
  const traffic = createTraffic(options)
  const records = [...traffic.records]
  const zone = new Map(traffic.tenants.map((tenant) => [tenant.id, tenant.timezone]))
  const marked = (name: ScenarioName) => records.filter((record) => record.scenario === name)
  const incident = (name: ScenarioName) => traffic.incidents.find((i) => i.scenario === name)!
  return { traffic, records, zone, marked, incident }
}

const event = (record: SimRecord) => record.record as Event
const text = (e: Event) => JSON.stringify(e.result ?? '')
const minutes = (a: string, b: string) => Math.abs(Date.parse(b) - Date.parse(a)) / 60_000

describe('every scenario, in a simulated day', () => {
  const { traffic, records, zone, marked, incident } = run(OPTIONS)

  test('each scenario is planned once and its events carry attributes.sim_scenario', () => {
    expect(traffic.incidents.map((i) => i.scenario)).toEqual([
      'silent-gateway',
      ...SCENARIO_NAMES.filter((n) => n !== 'silent-gateway'),
    ])
    for (const name of SCENARIO_NAMES) {
      const events = marked(name)
      expect(events.map((record) => record.eventId)).toEqual(incident(name).eventIds)
      for (const record of events) expect(event(record).attributes.sim_scenario).toBe(name)
    }
  })

  test('scenarios acted by people spread over the working day, each at its own time', () => {
    const starts = traffic.incidents
      .filter((i) => i.scenario !== 'silent-gateway' && i.scenario !== 'off-hours')
      .map((i) => i.from.slice(0, 16))
    expect(new Set(starts).size).toBe(starts.length)
  })

  test('attacks by people happen in their working hours, so they do not also look like off-hours access', () => {
    for (const name of SCENARIO_NAMES.filter((n) => n !== 'off-hours')) {
      for (const record of marked(name)) {
        const user = event(record).user
        if (!user || user.roles.includes('service-account')) continue
        expect(
          isOffHours(localTime(zone.get(record.tenant)!, Date.parse(record.timestamp))),
          `${name} ${record.timestamp}`,
        ).toBe(false)
      }
    }
  })

  test('path-traversal: ../ sequences and sensitive files in arguments.path', () => {
    const events = marked('path-traversal').map(event)
    expect(events.length).toBeGreaterThanOrEqual(3)
    for (const e of events) expect(String(e.arguments?.path)).toMatch(/\.\.\/|\.\.%2f/)
    expect(events.map((e) => String(e.arguments?.path)).join(' ')).toMatch(
      /etc\/passwd.*etc\/shadow.*\.ssh\/id_rsa/,
    )
  })

  test('command-injection: shell metacharacters in an exec tool command', () => {
    const events = marked('command-injection').map(event)
    expect(events.length).toBeGreaterThanOrEqual(3)
    for (const e of events) {
      expect(e.tool).toBe('run_command')
      expect(String(e.arguments?.command)).toMatch(/;|&&|\||\$\(|`/)
    }
  })

  test('secret-exfiltration: a secret read, then sent to an outside host, in one session', () => {
    const [read, send] = marked('secret-exfiltration').map(event)
    expect(read!.session_id).toBeTruthy()
    expect(send!.session_id).toBe(read!.session_id)
    const key = /AKIA[A-Z2-7]{16}/.exec(text(read!))?.[0]
    expect(key).toBeDefined()
    expect(String(send!.arguments?.url)).toContain(key)
    expect(String(send!.arguments?.url)).toMatch(/^https:\/\/webhook\.site\//)
    expect(minutes(read!.timestamp, send!.timestamp)).toBeLessThan(2)
    expect(read!.attributes.sim_planted).toContain('AWS_ACCESS_KEY')
  })

  test('rug-pull: the same server lists different definitions, one with a hidden instruction', () => {
    const [baseline, changed] = marked('rug-pull')
    expect(event(baseline!).server.name).toBe(event(changed!).server.name)
    expect(event(baseline!).attributes.tool_definition_hash).not.toBe(
      event(changed!).attributes.tool_definition_hash,
    )
    expect(JSON.stringify(event(changed!).result)).toContain('<IMPORTANT>')
    const benign = records.find(
      (record) =>
        !record.scenario &&
        record.method === 'tools/list' &&
        record.tenant === baseline!.tenant &&
        event(record).server.name === event(baseline!).server.name,
    )
    if (benign)
      expect(event(benign).attributes.tool_definition_hash).toBe(
        event(baseline!).attributes.tool_definition_hash,
      )
  })

  test('credential-brute-force: twenty-plus denials of one user within two minutes', () => {
    const events = marked('credential-brute-force').map(event)
    expect(events.length).toBeGreaterThanOrEqual(20)
    expect(new Set(events.map((e) => e.user?.id)).size).toBe(1)
    expect(events.every((e) => e.status === 'denied')).toBe(true)
    expect(minutes(events[0]!.timestamp, events.at(-1)!.timestamp)).toBeLessThanOrEqual(2)
  })

  test('off-hours: a person working between 01:00 and 05:00 local time', () => {
    const events = marked('off-hours')
    expect(events.length).toBeGreaterThanOrEqual(10)
    for (const record of events) {
      const hour = localTime(zone.get(record.tenant)!, Date.parse(record.timestamp)).hour
      expect(hour).toBeGreaterThanOrEqual(1)
      expect(hour).toBeLessThan(5.5)
      expect(event(record).user?.roles).not.toContain('service-account')
    }
  })

  test('runaway-loop: one session calls one tool more than 100 times within a minute', () => {
    const events = marked('runaway-loop').map(event)
    expect(events.length).toBeGreaterThan(100)
    expect(new Set(events.map((e) => e.session_id)).size).toBe(1)
    expect(events[0]!.session_id).toBeTruthy()
    expect(new Set(events.map((e) => e.tool)).size).toBe(1)
    expect(minutes(events[0]!.timestamp, events.at(-1)!.timestamp)).toBeLessThan(1)
  })

  test('new-unknown-server: a server no benign event of the run uses', () => {
    const events = marked('new-unknown-server').map(event)
    const server = events[0]!.server.name
    expect(events.every((e) => e.server.name === server)).toBe(true)
    expect(records.filter((record) => !record.scenario && event(record).server.name === server)).toEqual([])
  })

  test('silent-gateway: the gateway sends before the silence and nothing after it starts', () => {
    const quiet: Incident = incident('silent-gateway')
    const from = Date.parse(quiet.from)
    const mine = records.filter((record) => record.gateway === quiet.gateway)
    expect(mine.filter((record) => Date.parse(record.timestamp) < from).length).toBeGreaterThan(0)
    expect(mine.filter((record) => Date.parse(record.timestamp) >= from)).toEqual([])
    expect(
      traffic.incidents.filter((i) => i.gateway === quiet.gateway && i.scenario !== 'silent-gateway'),
    ).toEqual([])
  })

  test('unauthenticated: more than ten calls a minute with no user', () => {
    const events = marked('unauthenticated').map(event)
    expect(events.length).toBeGreaterThan(20)
    expect(events.every((e) => e.user === null)).toBe(true)
    expect(events.filter((e) => minutes(events[0]!.timestamp, e.timestamp) < 1).length).toBeGreaterThan(10)
  })

  test('prompt-injection: tool results that tell the model to ignore its instructions', () => {
    const events = marked('prompt-injection').map(event)
    expect(events.length).toBeGreaterThanOrEqual(1)
    for (const e of events)
      expect(text(e)).toMatch(/ignore previous instructions|disregard all prior instructions/i)
  })

  test('benign events never match the scenario signatures', () => {
    const benign = records.filter((record) => !record.scenario).map(event)
    for (const e of benign) {
      const body = JSON.stringify([e.arguments, e.result])
      expect(body).not.toMatch(/\.\.\/|\.\.%2f|etc\/passwd|\.ssh\/|ignore previous instructions|<IMPORTANT>/i)
    }
  })
})

describe('scenarios in short live runs', () => {
  test('at noon, attacks fall inside the minute and are by people at work', () => {
    const { marked, traffic } = run({
      ...OPTIONS,
      start: undefined,
      compressTime: 1,
      now: Date.parse('2026-11-24T11:00:00Z'),
      tenants: [{ id: 'default', timezone: 'UTC' }],
    })
    const end = Date.parse(traffic.end)
    for (const name of SCENARIO_NAMES.filter((n) => n !== 'off-hours')) {
      for (const record of marked(name)) expect(Date.parse(record.timestamp), name).toBeLessThan(end)
    }
    expect(marked('runaway-loop').length).toBeGreaterThan(100)
    expect(
      marked('path-traversal').every((record) => !event(record).user?.roles.includes('service-account')),
    ).toBe(true)
    expect(traffic.incidents.find((i) => i.scenario === 'off-hours')!.note).toMatch(
      /no local night inside the span/,
    )
  })

  test('at night, a hijacked automation acts instead of a person', () => {
    const { marked } = run({
      ...OPTIONS,
      start: undefined,
      compressTime: 1,
      now: Date.parse('2026-11-24T02:00:00Z'),
      tenants: [{ id: 'default', timezone: 'UTC' }],
    })
    expect(
      marked('path-traversal').every((record) => event(record).user?.roles.includes('service-account')),
    ).toBe(true)
    expect(marked('off-hours').length).toBeGreaterThan(0)
  })
})
