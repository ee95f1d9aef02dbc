import { describe, expect, it } from 'vitest'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { genericAdapter } from './generic.js'

const records = loadFixture('generic')
const adapt = (record: unknown, ctx = TEST_CONTEXT) => eventsOf(genericAdapter.adapt(record, ctx))

describe('generic adapter', () => {
  it('passes a full generic event through unchanged', () => {
    const [event] = adapt(records[0])
    expect(event).toEqual(records[0])
  })

  it('maps the simple gateway log aliases onto the generic fields', () => {
    const [event] = adapt(records[1])
    expect(event).toMatchObject({
      timestamp: '2026-11-24T10:01:00Z',
      method: 'tools/call',
      tool: 'query_database',
      server: { name: 'postgres' },
      user: { id: 'u-1042' },
      source_ip: '10.1.2.9',
      arguments: { sql: 'SELECT id, email FROM customers LIMIT 10' },
      result: { rows: 10 },
      status: 'success',
    })
    expect(event).not.toHaveProperty('params')
    expect(event).not.toHaveProperty('user_id')
  })

  it('reads a zone-less time as UTC, a plain error string as the error message, and "failed" as error', () => {
    const [event] = adapt(records[2])
    expect(event).toMatchObject({
      timestamp: '2026-11-24T10:02:13Z',
      status: 'error',
      error: { message: 'SMTP relay refused connection' },
      server: { name: 'unknown' },
    })
  })

  it('takes the server from ?server= when the record names none', () => {
    const [event] = adapt(records[2], { ...TEST_CONTEXT, serverName: 'mail' })
    expect(event).toMatchObject({ server: { name: 'mail' } })
  })

  it('maps "blocked" to denied and keeps unknown keys in attributes', () => {
    const [event] = adapt(records[3])
    expect(event).toMatchObject({
      status: 'denied',
      server: { name: 'postgres' },
      attributes: { policy: 'no-destructive-sql' },
    })
  })

  it('converts an epoch-milliseconds timestamp and a bare user string', () => {
    const [event] = adapt(records[4])
    expect(event).toMatchObject({
      timestamp: new Date(1795941850000).toISOString(),
      method: 'resources/read',
      user: { id: 'svc-reporting' },
      duration_ms: 341,
    })
  })

  it('reads JSON-RPC params {name, arguments} and timed_out as timeout', () => {
    const [event] = adapt(records[5])
    expect(event).toMatchObject({
      method: 'tools/call',
      tool: 'web_search',
      arguments: { q: 'acme earnings' },
      status: 'timeout',
      duration_ms: 30000,
    })
  })

  it('derives status from the result when the gateway gives none', () => {
    expect(adapt(records[6])[0]).toMatchObject({ method: 'tools/list', status: 'success' })
    const toolError = adapt({
      timestamp: '2026-11-24T10:00:00Z',
      tool: 'read_file',
      result: { content: [{ type: 'text', text: 'ENOENT' }], isError: true },
    })[0]
    expect(toolError).toMatchObject({ status: 'error' })
  })

  it('leaves a status word it does not know for validation to report', () => {
    const [event] = adapt({ timestamp: '2026-11-24T10:00:00Z', tool: 'x', status: 'maybe' })
    expect(event).toMatchObject({ status: 'maybe' })
  })
})
