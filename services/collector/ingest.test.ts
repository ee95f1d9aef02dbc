import { describe, expect, it } from 'vitest'
import { ingestRecords } from './ingest.js'

const ctx = { tenantId: 'acme', gateway: 'gw', receivedAt: '2026-11-24T10:00:00.000Z' }
const ok = (value: unknown) => ({ kind: 'record' as const, value })

describe('ingestRecords', () => {
  it('keeps identical Docker interceptor calls received in the same millisecond apart', () => {
    // Interceptor payloads carry no time or id: the same call made twice at once is two events.
    const call = { method: 'tools/call', params: { name: 'search', arguments: { q: 'status' } } }
    const docker = { ...ctx, format: 'docker' as const, serverName: 'github' }
    const ids = [
      ...ingestRecords([ok(call), ok(call)], docker).accepted,
      ...ingestRecords([ok(call)], docker).accepted,
    ].map((event) => event.envelope.event.event_id)
    expect(new Set(ids).size).toBe(3)
  })

  it('treats a timed event repeated within a request as one event (a retry inside the batch)', () => {
    const event = {
      timestamp: '2026-11-24T09:59:59.123Z',
      method: 'tools/call',
      server: { name: 'filesystem' },
      tool: 'read_file',
    }
    const { accepted } = ingestRecords([ok(event), ok(event)], { ...ctx, format: 'generic' })
    expect(new Set(accepted.map((e) => e.envelope.event.event_id)).size).toBe(1)
  })

  it('reports a bad record with its index and keeps its neighbours', () => {
    const good = { timestamp: '2026-11-24T09:59:59Z', method: 'tools/list', server: { name: 'fs' } }
    const { accepted, errors } = ingestRecords([ok(good), ok({ method: 'tools/call' }), ok(good)], {
      ...ctx,
      format: 'generic',
    })
    expect(accepted).toHaveLength(2)
    expect(errors.length).toBeGreaterThan(0)
    expect(new Set(errors.map((error) => error.index))).toEqual(new Set([1]))
  })
})

describe('the reserved server name', () => {
  const event = (name: string) => ({
    timestamp: '2026-11-24T09:59:59Z',
    method: 'tools/call',
    server: { name },
    tool: 'report.download',
  })

  it('refuses a gateway record naming mcp-audit, with its index, and keeps its neighbours', () => {
    const { accepted, errors } = ingestRecords(
      [ok(event('crm')), ok(event('mcp-audit')), ok(event(' MCP-Audit ')), ok(event('crm'))],
      { ...ctx, format: 'generic' },
    )
    expect(accepted.map((a) => a.index)).toEqual([0, 3])
    expect(errors).toEqual([
      {
        index: 1,
        path: 'server.name',
        message: expect.stringMatching(/reserved for mcp-audit's own audit trail/),
      },
      { index: 2, path: 'server.name', message: expect.stringMatching(/reserved/) },
    ])
  })

  it('refuses it in every gateway format (the check is after the adapters)', () => {
    const dockerCall = { method: 'tools/call', params: { name: 'report.download', arguments: {} } }
    const { accepted, errors } = ingestRecords([ok(dockerCall)], {
      ...ctx,
      format: 'docker',
      serverName: 'mcp-audit',
    })
    expect(accepted).toEqual([])
    expect(errors[0]).toMatchObject({ index: 0, path: 'server.name' })
  })
})
