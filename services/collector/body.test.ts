import { describe, expect, it } from 'vitest'
import { decodeBody, firstInvalidUtf8, parseBody } from './body.js'

describe('parseBody', () => {
  it('reads one event, an array, and NDJSON', () => {
    expect(parseBody('{"a":1}', 'application/json')).toEqual({
      kind: 'records',
      records: [{ kind: 'record', value: { a: 1 } }],
    })
    const array = parseBody('[{"a":1},{"a":2}]', 'application/json; charset=utf-8')
    expect(array.kind === 'records' && array.records.length).toBe(2)
    const ndjson = parseBody('{"a":1}\n\n{"a":2}\n', 'application/x-ndjson')
    expect(ndjson.kind === 'records' && ndjson.records.map((r) => r.kind)).toEqual(['record', 'record'])
  })

  it('treats NDJSON sent as application/json as NDJSON', () => {
    const body = parseBody('{"a":1}\n{"a":2}', 'application/json')
    expect(body.kind === 'records' && body.records.length).toBe(2)
  })

  it('rejects a bad NDJSON line alone', () => {
    const body = parseBody('{"a":1}\n{nope\n{"a":3}', 'application/x-ndjson')
    expect(body.kind === 'records' && body.records.map((r) => r.kind)).toEqual([
      'record',
      'unparsable',
      'record',
    ])
  })

  it('refuses hostile nesting before JSON.parse recurses into it', () => {
    const body = parseBody('['.repeat(100_000), 'application/json')
    expect(body).toMatchObject({ kind: 'error', status: 400 })
    expect(body.kind === 'error' && body.message).toMatch(/nested deeper than 64/)
    // Brackets inside strings do not count.
    expect(parseBody(JSON.stringify({ text: '['.repeat(1000) }), 'application/json').kind).toBe('records')
  })

  it('answers 415 for other media types and 400 for empty bodies', () => {
    expect(parseBody('a,b', 'text/csv')).toMatchObject({ kind: 'error', status: 415 })
    expect(parseBody('  \n', 'application/json')).toMatchObject({ kind: 'error', status: 400 })
  })

  it('refuses bytes that are not UTF-8 instead of replacing them, and names where they start', () => {
    const event = (inner: Buffer) =>
      Buffer.concat([Buffer.from('{"tool":"read_'), inner, Buffer.from('file"}')])
    for (const bad of [
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80],
    ]) {
      const body = event(Buffer.from(bad))
      expect(firstInvalidUtf8(body), bad.join(',')).toBe(14)
      expect(decodeBody(body)).toEqual({
        kind: 'error',
        status: 400,
        message: 'the body is not valid UTF-8 (byte offset 14); send JSON encoded as UTF-8',
      })
    }
    const text = '{"tool":"lire_été_🙂"}'
    expect(firstInvalidUtf8(Buffer.from(text))).toBe(-1)
    expect(decodeBody(Buffer.from(text))).toEqual({ kind: 'text', text })
    // A UTF-8 byte order mark is valid UTF-8; parseBody's trim drops it.
    const bom = decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))
    expect(bom.kind === 'text' && parseBody(bom.text, 'application/json').kind).toBe('records')
  })
})
