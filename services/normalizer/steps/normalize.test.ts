import { describe, expect, it } from 'vitest'
import type { RawEnvelope } from '../../../schemas/raw-envelope.js'
import { classifyError, deriveStatus, normalizeEnvelope } from './normalize.js'
import { parseMessage } from './parse.js'

const envelope = (event: Partial<RawEnvelope['event']> = {}): RawEnvelope => ({
  v: 1,
  tenant_id: 'acme',
  gateway: 'gw',
  format: 'generic',
  received_at: '2026-11-24T10:00:01.000Z',
  event: {
    timestamp: '2026-11-24T10:00:00+01:00',
    method: 'tools/call',
    server: { name: 'fs' },
    tool: 'read_file',
    event_id: 'e1',
    ...event,
  },
})
const ctx = {
  partition: 2,
  offset: 41,
  retentionDays: () => 365,
  now: () => new Date('2026-11-24T10:00:02Z'),
}

describe('normalizeEnvelope', () => {
  it('maps the envelope to the canonical row in UTC with a retention deadline', () => {
    const result = normalizeEnvelope(
      envelope({ request_id: 7, user: { id: 'alice', roles: ['dev'], auth_method: 'oauth2' } }),
      ctx,
    )
    expect(result.kind).toBe('ok')
    if (result.kind !== 'ok') return
    expect(result.value.row).toMatchObject({
      tenant_id: 'acme',
      event_id: 'e1',
      occurred_at: '2026-11-24T09:00:00.000Z',
      received_at: '2026-11-24T10:00:01.000Z',
      ingested_at: '2026-11-24T10:00:02.000Z',
      user_roles: ['dev'],
      status: 'success',
      error_class: '',
      retention_until: '2027-11-24',
      source_partition: 2,
      source_offset: 41,
    })
    expect(result.value.clear).toMatchObject({ userId: 'alice', requestId: '7' })
    expect(result.value.row).not.toHaveProperty('user_id')
    expect(result.value.row).not.toHaveProperty('request_id')
  })

  it('dead-letters events dated outside 2000–2200', () => {
    expect(normalizeEnvelope(envelope({ timestamp: '1970-01-01T00:00:00Z' }), ctx)).toMatchObject({
      kind: 'dlq',
    })
  })
})

describe('status and error class, the MCP way', () => {
  it('derives status when the gateway did not send one', () => {
    expect(deriveStatus(envelope().event)).toBe('success')
    expect(deriveStatus(envelope({ result: { content: [], isError: true } }).event)).toBe('error')
    expect(deriveStatus(envelope({ error: { code: -32601, message: 'Method not found' } }).event)).toBe(
      'error',
    )
    expect(deriveStatus(envelope({ decision: 'deny' }).event)).toBe('denied')
    expect(deriveStatus(envelope({ status: 'timeout' }).event)).toBe('timeout')
  })

  it('classifies invalid params and unknown methods as client errors, isError as a tool error', () => {
    const event = (e: Partial<RawEnvelope['event']>) => envelope(e).event
    expect(classifyError('error', event({ error: { code: -32602 } }))).toBe('client_error')
    expect(classifyError('error', event({ error: { code: -32601 } }))).toBe('client_error')
    expect(classifyError('error', event({ error: { code: -32603 } }))).toBe('server_error')
    expect(classifyError('error', event({ error: { code: -32001 } }))).toBe('server_error')
    expect(classifyError('error', event({ result: { isError: true } }))).toBe('tool_error')
    expect(classifyError('error', event({}))).toBe('unknown_error')
    expect(classifyError('denied', event({}))).toBe('denied')
    expect(classifyError('success', event({}))).toBe('')
  })
})

describe('parseMessage', () => {
  it('dead-letters non-JSON without quoting the message content', () => {
    const result = parseMessage(Buffer.from('secret-value alice@example.com'))
    expect(result.kind).toBe('dlq')
    expect(JSON.stringify(result)).not.toContain('alice')
  })

  it('dead-letters JSON that is not an envelope and empty values', () => {
    expect(parseMessage(Buffer.from('{"v":1}'))).toMatchObject({
      kind: 'dlq',
      reason: expect.stringContaining('not a raw envelope v1') as string,
    })
    expect(parseMessage(null)).toMatchObject({ kind: 'dlq', reason: 'empty message value' })
  })
})
