import { describe, expect, test } from 'vitest'
import { prepareBody } from '../../collector/prepare.js'
import { toRequests, type OutgoingRequest } from '../batches.js'
import { generateTraffic } from '../generate.js'
import { MARK_PRESERVING_FORMATS, SIM_FORMATS, type SimFormat, type SimRecord } from '../types.js'

const RECEIVED_AT = '2026-11-24T12:00:00.000Z'

interface StoredEvent {
  method: string
  status?: string
  tool?: string
  server: { name: string }
  attributes: Record<string, unknown>
}

/** What the collector makes of one request: its validated events and its errors. */
function ingest(request: OutgoingRequest): { errors: unknown[]; events: StoredEvent[] } {
  const url = new URL(request.path, 'http://collector')
  const format = (url.pathname === '/v1/logs' ? 'otlp' : url.searchParams.get('format')) as SimFormat
  const serverName = url.searchParams.get('server') ?? undefined
  const prepared = prepareBody({
    body: Buffer.from(request.body),
    contentType: request.contentType,
    ctx: {
      tenantId: request.tenant,
      gateway: request.gateway,
      receivedAt: RECEIVED_AT,
      format,
      ...(serverName ? { serverName } : {}),
    },
  })
  if (prepared.kind === 'error') throw new Error(`${request.path}: ${prepared.status} ${prepared.message}`)
  return {
    errors: prepared.errors,
    events: prepared.events.map((event) => (JSON.parse(event.value) as { event: StoredEvent }).event),
  }
}

function trafficIn(format: SimFormat): SimRecord[] {
  return generateTraffic({
    seed: `encoders-${format}`,
    rate: 50,
    duration: 12,
    compressTime: 720,
    start: '2026-11-24T00:00:00Z',
    formats: [format],
    scenarios: ['all'],
    catalogue: 'builtin',
    piiRate: 0.05,
    secretRate: 0.05,
  })
}

/** The status each format can express: Envoy sees only HTTP, ToolHive has no timeout outcome, MCPX none. */
function expectedStatus(format: SimFormat, record: SimRecord, event: StoredEvent): string | undefined {
  if (format === 'mcpx') return undefined
  if (format === 'envoy')
    return record.status === 'denied' || record.status === 'timeout' ? record.status : 'success'
  if (format === 'toolhive' && record.status === 'timeout') return 'error'
  if (format === 'docker') {
    if (event.attributes.interceptor === 'before') return undefined
    return record.status === 'timeout' ? 'error' : record.status
  }
  return record.status
}

/** Records and the events made of them, paired in request order (one event per record in every format). */
function pair(records: SimRecord[], requests: OutgoingRequest[], events: StoredEvent[][]) {
  const queues = new Map<string, SimRecord[]>()
  for (const record of records) {
    const key = `${record.gateway}|${record.server ?? ''}`
    queues.set(key, [...(queues.get(key) ?? []), record])
  }
  return requests.flatMap((request, index) => {
    const key = `${request.gateway}|${new URL(request.path, 'http://x').searchParams.get('server') ?? ''}`
    const queue = queues.get(key)!
    return events[index]!.map((event) => ({ record: queue.shift()!, event }))
  })
}

describe.each(SIM_FORMATS)('%s encoder', (format) => {
  const records = trafficIn(format)
  const requests = toRequests(records, 50)
  const results = requests.map(ingest)
  const events = results.flatMap((result) => result.events)

  test('the collector accepts every record, with the expected event count', () => {
    expect(records.length).toBeGreaterThan(300)
    expect(results.flatMap((result) => result.errors)).toEqual([])
    expect(events.length).toBe(records.reduce((sum, record) => sum + record.events, 0))
  })

  test('events keep the method, outcome and scenario mark of the simulated call', () => {
    const pairs = pair(
      records,
      requests,
      results.map((result) => result.events),
    )
    expect(pairs).toHaveLength(records.length)
    for (const { record, event } of pairs) {
      expect(event.method).toBe(record.method)
      const status = expectedStatus(format, record, event)
      if (status) expect(event.status, `${record.eventId} ${record.method}`).toBe(status)
      if (record.scenario && (MARK_PRESERVING_FORMATS.includes(format) || format === 'envoy')) {
        expect(event.attributes.sim_scenario).toBe(record.scenario)
      }
    }
    const statuses = new Set(pairs.map(({ record }) => record.status))
    expect(statuses).toContain('error')
    expect(statuses).toContain('denied')
  })

  test('tools/list events carry the tool definition hash where the format keeps attributes', () => {
    const lists = events.filter((event) => event.method === 'tools/list')
    if (format === 'mcpx' || format === 'docker') {
      expect(lists).toEqual([])
      return
    }
    expect(lists.length).toBeGreaterThan(0)
    if (MARK_PRESERVING_FORMATS.includes(format) || format === 'envoy') {
      for (const event of lists) expect(event.attributes.tool_definition_hash).toMatch(/^[0-9a-f]{64}$/)
    }
  })
})
