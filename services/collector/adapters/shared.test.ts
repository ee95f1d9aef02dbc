import { describe, expect, it } from 'vitest'
import {
  durationMs,
  errorFrom,
  fromUnixNanos,
  hostOf,
  normalizeStatus,
  parseJson,
  scrubCredentials,
  targetFromParams,
  toTimestamp,
} from './shared.js'

describe('toTimestamp', () => {
  it('keeps ISO 8601 with an offset as sent, whatever its precision', () => {
    expect(toTimestamp('2025-06-03T13:02:28.123456789Z')).toBe('2025-06-03T13:02:28.123456789Z')
    expect(toTimestamp('2026-02-10T14:03:22.418000+00:00')).toBe('2026-02-10T14:03:22.418000+00:00')
  })

  it('reads zone-less times as UTC', () => {
    expect(toTimestamp('2026-11-24 10:02:13')).toBe('2026-11-24T10:02:13Z')
    expect(toTimestamp('2026-11-24T10:02')).toBe('2026-11-24T10:02:00Z')
  })

  it('reads epoch seconds, milliseconds and nanoseconds', () => {
    expect(toTimestamp(1767258000)).toBe('2026-01-01T09:00:00.000Z')
    expect(toTimestamp(1767258000123)).toBe('2026-01-01T09:00:00.123Z')
    expect(toTimestamp('1767225600123456789')).toBe('2026-01-01T00:00:00.123456789Z')
  })

  it('returns an unparseable string unchanged for validation to report', () => {
    expect(toTimestamp('yesterday-ish')).toBe('yesterday-ish')
    expect(toTimestamp(undefined)).toBeUndefined()
  })
})

describe('helpers', () => {
  it('fromUnixNanos keeps sub-millisecond digits and treats 0 as absent', () => {
    expect(fromUnixNanos('1767225601500000000')).toBe('2026-01-01T00:00:01.5Z')
    expect(fromUnixNanos('0')).toBeUndefined()
  })

  it('durationMs reads agentgateway strings and rejects negatives', () => {
    expect(durationMs('716ms')).toBe(716)
    expect(durationMs('1.5s')).toBe(1500)
    expect(durationMs('250us')).toBe(0.25)
    expect(durationMs(-1)).toBeUndefined()
  })

  it('hostOf strips the port from IPv4 and bracketed IPv6, and keeps bare IPv6', () => {
    expect(hostOf('10.42.0.1:1631')).toBe('10.42.0.1')
    expect(hostOf('[2001:db8::17]:51000')).toBe('2001:db8::17')
    expect(hostOf('2001:db8::17')).toBe('2001:db8::17')
  })

  it('errorFrom keeps integer codes and moves word codes to data.type', () => {
    expect(errorFrom('-32601', 'Unknown tool')).toEqual({ code: -32601, message: 'Unknown tool' })
    expect(errorFrom('internal_error', 'boom')).toEqual({ message: 'boom', data: { type: 'internal_error' } })
    expect(errorFrom(undefined, undefined)).toBeUndefined()
  })

  it('normalizeStatus maps gateway words and leaves unknown words alone', () => {
    expect(normalizeStatus('FAILED')).toBe('error')
    expect(normalizeStatus('timed_out')).toBe('timeout')
    expect(normalizeStatus('blocked')).toBe('denied')
    expect(normalizeStatus('weird')).toBe('weird')
  })

  it('parseJson parses JSON objects in strings and leaves other text', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 })
    expect(parseJson('{broken')).toBe('{broken')
    expect(parseJson('plain')).toBe('plain')
  })

  it('scrubCredentials redacts credential headers at any depth', () => {
    expect(
      scrubCredentials({ h: { Authorization: 'Bearer x', accept: '*/*' }, list: [{ cookie: 'c' }] }),
    ).toEqual({
      h: { Authorization: '[REDACTED]', accept: '*/*' },
      list: [{ cookie: '[REDACTED]' }],
    })
  })

  it('targetFromParams reads tool, prompt, resource and the 2026-07-28 client meta', () => {
    expect(targetFromParams('tools/call', { name: 't', arguments: { a: 1 } })).toMatchObject({
      tool: 't',
      arguments: { a: 1 },
    })
    expect(targetFromParams('prompts/get', { name: 'p' })).toMatchObject({ prompt: 'p' })
    expect(targetFromParams('resources/read', { uri: 'file:///x' })).toMatchObject({
      resource_uri: 'file:///x',
    })
    expect(
      targetFromParams('initialize', {
        protocolVersion: '2025-11-25',
        clientInfo: { name: 'c', version: '1' },
      }),
    ).toMatchObject({ client: { name: 'c', version: '1' }, protocol_version: '2025-11-25' })
  })
})
