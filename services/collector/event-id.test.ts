import { describe, expect, it } from 'vitest'
import { deriveEventId, partitionKey } from './event-id.js'

describe('event ids', () => {
  it('derives the same UUID for the same event and tenant, and another for anything else', () => {
    const event = {
      timestamp: '2026-11-24T10:00:00Z',
      method: 'tools/call',
      tool: 'read_file',
      server: { name: 'fs' },
    }
    const id = deriveEventId('acme', event)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(
      deriveEventId('acme', {
        server: { name: 'fs' },
        tool: 'read_file',
        method: 'tools/call',
        timestamp: '2026-11-24T10:00:00Z',
      }),
    ).toBe(id)
    expect(deriveEventId('beta', event)).not.toBe(id)
    expect(deriveEventId('acme', { ...event, tool: 'write_file' })).not.toBe(id)
  })

  it('keys by session, else user, else event, without the clear user id', () => {
    const bySession = partitionKey('acme', { session_id: 's1', user: { id: 'alice@example.com' } })
    expect(partitionKey('acme', { session_id: 's1', user: { id: 'bob@example.com' } })).toBe(bySession)
    const byUser = partitionKey('acme', { user: { id: 'alice@example.com' }, event_id: 'e1' })
    expect(partitionKey('acme', { user: { id: 'alice@example.com' }, event_id: 'e2' })).toBe(byUser)
    expect(byUser).not.toContain('alice')
  })
})
