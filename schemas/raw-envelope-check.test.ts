import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { isPlainRawEnvelope } from './raw-envelope-check.js'
import { RawEnvelope } from './raw-envelope.js'

/** Every field of the envelope and the event set, as a collector writes them. */
const full = {
  v: 1,
  tenant_id: 'acme',
  gateway: 'gw-eu-1',
  format: 'generic',
  received_at: '2026-11-24T10:00:01.234Z',
  event: {
    event_id: '0f8e7c52-1f4a-8d1e-9a0b-3c2d1e0f9a8b',
    timestamp: '2026-11-24T10:00:00+01:00',
    method: 'tools/call',
    server: { name: 'github', version: '1.2.0', transport: 'stdio' },
    tool: 'search_issues',
    resource_uri: null,
    prompt: null,
    session_id: 'sess-1',
    request_id: 7,
    trace_id: 'trace-1',
    client: { name: 'claude-desktop', version: '0.9' },
    user: { id: 'alice', roles: ['dev', 'admin'], auth_method: 'oauth' },
    source_ip: '10.0.0.1',
    user_agent: 'mcp/1.0',
    arguments: { query: 'is:open', nested: [1, { deep: true }] },
    result: { content: [{ type: 'text', text: 'ok' }] },
    status: 'error',
    error: { code: -32000, message: 'boom', data: { retry: false } },
    duration_ms: 12.5,
    decision: 'allow',
    data_region: 'eu',
    tls: true,
    attributes: { 'x.custom': 'y' },
  },
}

/** What the zod parse decides: accepted as it is (true), accepted with changes or refused (false). */
function parsedUnchanged(value: unknown): boolean {
  const parsed = RawEnvelope.safeParse(value)
  return parsed.success && isDeepStrictEqual(parsed.data, value)
}

const REPLACEMENTS: unknown[] = [
  null,
  '',
  'x',
  'x'.repeat(513),
  'x'.repeat(65_537),
  'tools/call',
  'success',
  'deny',
  '2026-11-24T10:00:00Z',
  '2026-11-24 10:00:00',
  '2026-02-30T10:00:00Z',
  -1,
  0,
  1.5,
  1e20,
  true,
  [],
  ['x'.repeat(513)],
  Array.from({ length: 65 }, () => 'r'),
  {},
  { name: 'n' },
  { extra: 1 },
]

/** Every path to a value in `value`, objects and arrays included. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix]
  const children = Object.keys(value).flatMap((key) =>
    paths((value as Record<string, unknown>)[key], [...prefix, key]),
  )
  return prefix.length === 0 ? children : [prefix, ...children]
}

/** A JSON copy of `base` with the value at `path` replaced (or removed, for undefined). */
function mutate(base: unknown, path: string[], replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>
  let target = copy
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>
  target[path.at(-1)!] = replacement
  return JSON.parse(JSON.stringify(copy)) as unknown
}

describe('isPlainRawEnvelope', () => {
  it('accepts envelopes as the collector writes them, with every field or the fewest', () => {
    expect(isPlainRawEnvelope(full)).toBe(true)
    const fewest = {
      ...full,
      event: { timestamp: full.event.timestamp, method: 'ping', server: { name: 'github' } },
    }
    expect(isPlainRawEnvelope(fewest)).toBe(true)
    expect(parsedUnchanged(fewest)).toBe(true)
  })

  it('says true exactly where the zod parse accepts the value and returns it unchanged', () => {
    const cases = [
      ...paths(full).flatMap((path) => [
        mutate(full, path, undefined),
        ...REPLACEMENTS.map((replacement) => mutate(full, path, replacement)),
      ]),
      ...['', 'extra'].map((key) => mutate(full, [key], 1)),
      ...['event', 'server', 'client', 'user', 'error'].map((part) =>
        mutate(full, part === 'event' ? ['event', 'unknown'] : ['event', part, 'unknown'], 1),
      ),
      mutate(full, ['event', 'tool'], ''),
      null,
      [],
      'text',
    ]
    const disagreements = cases.filter((value) => isPlainRawEnvelope(value) !== parsedUnchanged(value))
    expect(disagreements).toEqual([])
    // The cases cover both answers, many times over.
    expect(cases.filter((value) => isPlainRawEnvelope(value)).length).toBeGreaterThan(100)
    expect(cases.filter((value) => !isPlainRawEnvelope(value)).length).toBeGreaterThan(300)
  })

  it('refuses garbage the zod parse refuses, and keys it would strip', () => {
    expect(isPlainRawEnvelope(mutate(full, ['v'], 2))).toBe(false)
    expect(isPlainRawEnvelope(mutate(full, ['event', 'tool'], null))).toBe(false)
    expect(isPlainRawEnvelope(mutate(full, ['event', 'error', 'code'], 1.5))).toBe(false)
    expect(isPlainRawEnvelope(mutate(full, ['event', 'server', 'extra'], 'x'))).toBe(false)
    expect(isPlainRawEnvelope(JSON.parse('{"__proto__":{"v":1}}'))).toBe(false)
  })
})
