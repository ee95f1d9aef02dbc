import { describe, expect, it } from 'vitest'
import { deriveEvent, derivedAttributes, localTime, toolsListHash } from './derive.js'
import { normalizeEnvelope } from './normalize.js'

describe('localTime', () => {
  it('gives hour and ISO weekday in the tenant timezone', () => {
    expect(localTime('2026-11-24T02:30:00.000Z', 'UTC')).toEqual({ local_hour: '2', local_weekday: '2' })
    expect(localTime('2026-11-24T23:30:00.000Z', 'Europe/Berlin')).toEqual({
      local_hour: '0',
      local_weekday: '3',
    })
    expect(localTime('2026-11-29T12:00:00.000Z', 'America/New_York')).toEqual({
      local_hour: '7',
      local_weekday: '7',
    })
  })

  it('throws for an unknown timezone', () => {
    expect(() => localTime('2026-11-24T02:30:00.000Z', 'Mars/Olympus')).toThrow(RangeError)
  })
})

describe('toolsListHash', () => {
  const tools = [
    { name: 'b', description: 'Second', inputSchema: { type: 'object' } },
    {
      name: 'a',
      description: 'First',
      inputSchema: { type: 'object', properties: { x: { type: 'string' } } },
    },
  ]

  it('ignores order and fields a client does not show the model', () => {
    const hash = toolsListHash({ tools })
    expect(hash).toMatch(/^[0-9a-f]{16}$/)
    expect(toolsListHash({ tools: [...tools].reverse(), nextCursor: 'x' })).toBe(hash)
    expect(toolsListHash({ tools: tools.map((tool) => ({ ...tool, _meta: { seen: 1 } })) })).toBe(hash)
  })

  it('changes with a description, a schema or a tool added', () => {
    const hash = toolsListHash({ tools })
    expect(
      toolsListHash({ tools: [{ ...tools[0]!, description: 'Second <IMPORTANT>' }, tools[1]] }),
    ).not.toBe(hash)
    expect(toolsListHash({ tools: [tools[0], { ...tools[1]!, inputSchema: { type: 'object' } }] })).not.toBe(
      hash,
    )
    expect(toolsListHash({ tools: [...tools, { name: 'c' }] })).not.toBe(hash)
  })

  it('is undefined without a tool list', () => {
    expect(toolsListHash({ content: [] })).toBeUndefined()
    expect(toolsListHash(null)).toBeUndefined()
    expect(
      derivedAttributes(
        { occurredAt: '2026-11-24T10:00:00Z', method: 'tools/call', result: { tools } },
        'UTC',
      ),
    ).toEqual({
      local_hour: '10',
      local_weekday: '2',
    })
  })
})

describe('deriveEvent', () => {
  const normalized = normalizeEnvelope(
    {
      v: 1,
      tenant_id: 'acme',
      gateway: 'gw',
      format: 'generic',
      received_at: '2026-11-24T23:30:01.000Z',
      event: {
        timestamp: '2026-11-24T23:30:00Z',
        method: 'tools/list',
        server: { name: 'fs' },
        result: { tools: [{ name: 'read_file' }] },
        attributes: { team: 'payments', local_hour: '12' },
      },
    },
    { partition: 0, offset: 0, retentionDays: () => 365 },
  )
  if (normalized.kind !== 'ok') throw new Error('the sample event did not normalize')

  it("adds the derived attributes in the tenant's zone over the gateway's, keeping the others", () => {
    const derived = deriveEvent(normalized.value, 'Europe/Berlin')
    expect(derived.clear.attributes).toEqual({
      team: 'payments',
      local_hour: '0',
      local_weekday: '3',
      tools_list_hash: toolsListHash({ tools: [{ name: 'read_file' }] }),
    })
    expect(derived.row).toBe(normalized.value.row)
    expect(normalized.value.clear.attributes).toEqual({ team: 'payments', local_hour: '12' })
  })
})
