import { describe, expect, it } from 'vitest'
import { eventsOf, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { mcpxAdapter } from './mcpx.js'

const records = loadFixture('mcpx')
const adapt = (record: unknown) => eventsOf(mcpxAdapter.adapt(record, TEST_CONTEXT))[0]

describe('mcpx adapter', () => {
  it('maps tool_used; MCPX audit entries carry no outcome, so status stays unknown', () => {
    const event = adapt(records[0])
    expect(event).toMatchObject({
      timestamp: '2026-04-01T12:00:05.120Z',
      method: 'tools/call',
      tool: 'search_repositories',
      server: { name: 'github' },
      user: { id: 'claude-desktop-alice' },
      arguments: { query: 'mcp gateway', perPage: 5 },
    })
    expect(event).not.toHaveProperty('status')
  })

  it('maps prompt_used and resource_read', () => {
    expect(adapt(records[1])).toMatchObject({
      method: 'prompts/get',
      prompt: 'summarize_pr',
      arguments: { pr: '1234' },
    })
    expect(adapt(records[2])).toMatchObject({
      method: 'resources/read',
      resource_uri: 'file:///workspace/README.md',
      server: { name: 'filesystem' },
    })
  })

  it('keeps configuration changes as mcpx/<eventType> events with the change in attributes', () => {
    expect(adapt(records[3])).toMatchObject({
      method: 'mcpx/target_server_added',
      server: { name: 'slack' },
      attributes: { change: { name: 'slack' } },
    })
    expect(adapt(records[4])).toMatchObject({
      method: 'mcpx/catalog_updated',
      server: { name: 'mcpx' },
      attributes: { change: { addedServers: ['slack'] } },
    })
  })

  it('reads the flat form (fields beside eventType)', () => {
    expect(adapt(records[5])).toMatchObject({
      tool: 'post_message',
      server: { name: 'slack' },
      user: { id: 'ops-bot' },
    })
  })

  it('rejects an entry without eventType', () => {
    expect(mcpxAdapter.adapt({ timestamp: '2026-04-01T12:00:00Z' }, TEST_CONTEXT)).toMatchObject({
      kind: 'invalid',
      path: 'eventType',
    })
  })
})
