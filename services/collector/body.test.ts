import { describe, expect, it } from 'vitest'
import { parseBody } from './body.js'

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
})
