import { gunzipSync, gzipSync } from 'node:zlib'
import { Rng } from '../../services/simulator/rng.js'
import { TOKENS } from './collector.js'

/**
 * Malformed collector requests for the fuzz fault test, drawn from a seeded generator: bodies,
 * headers, encodings, sizes and query strings that are wrong in one way or several. Every request
 * is entirely invalid (no record in it can be accepted), so the collector must answer each with a
 * 4xx and a reason, and must write nothing for any of them.
 */

export interface FuzzCase {
  /** Which generator made it, for failure messages and the per-kind tally. */
  kind: string
  /** Path and query after the collector's base URL. */
  path: string
  headers: Record<string, string>
  body: Buffer
  /** The statuses the contract allows for it (DESIGN.md, Collector HTTP API). */
  statuses: readonly number[]
  /** What the reason in the answer (`error`, or the first `errors[].message`) must say. */
  reason: RegExp
  /**
   * Sent over a bare socket with this Content-Length instead of the body's length (fetch refuses
   * to lie about it). Shorter than the body: the rest arrives as the next "request" on the socket.
   */
  contentLength?: number
}

export type EventRecord = Record<string, unknown>

const JSON_TYPE = 'application/json'
const INVALID_JSON = /not valid JSON/
/** A body cut at a byte: inside a multi-byte character it is refused as UTF-8 before it is parsed. */
const TRUNCATED = /not valid JSON|not valid UTF-8/
const NO_VALID_EVENT = /no valid event in the request/

function auth(token: string = TOKENS.acmeIngest): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

function clone(event: EventRecord): EventRecord {
  return structuredClone(event)
}

/**
 * One field made wrong in a way the generic schema must refuse. `timestamp` stays a key, so no other
 * format claims the record; the lenient mappings of the generic adapter (epoch timestamps, a server
 * or client named by a string, `"12"` for a duration, a method implied by the tool) are left out,
 * since those records are valid.
 */
const WRONG_FIELDS: ReadonlyArray<(rng: Rng, event: EventRecord) => void> = [
  (rng, e) => (e.timestamp = rng.pick(['yesterday', '', null, {}, [], '2026-13-45T99:00:00Z', true])),
  (rng, e) => (e.method = rng.pick([42, '', [], { name: 'tools/call' }])),
  (rng, e) => (e.server = rng.pick([7, { name: 5 }, []])),
  (rng, e) => {
    e.method = 'tools/call'
    e.tool = rng.pick([null, '', 9, {}, []])
  },
  (rng, e) => (e.status = rng.pick(['maybe', 1, {}])),
  (rng, e) => (e.duration_ms = rng.pick([-1, {}, 'fast'])),
  (rng, e) => (e.tls = rng.pick(['yes', 1, {}])),
  (rng, e) => (e.user = rng.pick([3, { roles: 'admin' }, { id: 7 }])),
  (rng, e) => (e.attributes = rng.pick([[1, 2], 'x', 5])),
  (rng, e) => (e.error = rng.pick([5, { code: 'E' }])),
  (rng, e) => (e.decision = rng.pick(['perhaps', 0])),
  (rng, e) => (e.client = rng.pick([7, { name: 5 }])),
  (rng, e) => (e.request_id = rng.pick([{}, [], true])),
]

/** A string field over its 512-character limit. */
const OVERSIZED_FIELDS: ReadonlyArray<(e: EventRecord, text: string) => void> = [
  (e, text) => {
    e.method = 'tools/call'
    e.tool = text
  },
  (e, text) => (e.server = { name: text }),
  (e, text) => (e.method = text),
  (e, text) => (e.event_id = text),
  (e, text) => (e.session_id = text),
  (e, text) => (e.source_ip = text),
]

function wrongEvent(rng: Rng, base: EventRecord): EventRecord {
  const event = clone(base)
  rng.pick(WRONG_FIELDS)(rng, event)
  return event
}

/** Inserts `bytes` at `count` random positions of `body`. */
function splice(rng: Rng, body: Buffer, bytes: () => Buffer, count: number): Buffer {
  let out = body
  for (let i = 0; i < count; i++) {
    const at = rng.int(0, out.length)
    out = Buffer.concat([out.subarray(0, at), bytes(), out.subarray(at)])
  }
  return out
}

/** Positions just after a `"` that opens a string value, where an invalid byte sits inside text. */
function insideStrings(body: Buffer): number[] {
  const positions: number[] = []
  for (let i = 1; i < body.length; i++) if (body[i - 1] === 0x3a && body[i] === 0x22) positions.push(i + 1)
  return positions
}

const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xff]),
  Buffer.from([0xc0, 0xaf]), // overlong '/'
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate
  Buffer.from([0xe2, 0x82]), // a truncated sequence
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), // a 5-byte form
  Buffer.from([0x80]), // a lone continuation byte
]

export interface FuzzInputs {
  /** Valid generic events to mutate. */
  events: readonly EventRecord[]
  maxBodyBytes: number
}

type CaseGenerator = (rng: Rng, inputs: FuzzInputs) => FuzzCase

/** Compressed bombs by filler and size: compressing megabytes for every case would dominate the run. */
const bombs = new Map<string, Buffer>()

const json = (value: unknown) => Buffer.from(JSON.stringify(value))

function baseCase(kind: string, body: Buffer, statuses: number[], reason: RegExp): FuzzCase {
  return {
    kind,
    path: '/v1/events',
    headers: { ...auth(), 'content-type': JSON_TYPE },
    body,
    statuses,
    reason,
  }
}

function someEvents(rng: Rng, inputs: FuzzInputs, max: number): EventRecord[] {
  return Array.from({ length: rng.int(1, max) }, () => rng.pick(inputs.events))
}

/** A body whose events are all valid: used where the headers are what is wrong. */
function validBody(rng: Rng, inputs: FuzzInputs): Buffer {
  const events = someEvents(rng, inputs, 3)
  return json(events.length === 1 ? events[0] : events)
}

const GENERATORS: ReadonlyArray<[weight: number, CaseGenerator]> = [
  [
    8,
    function truncated(rng, inputs) {
      const full = validBody(rng, inputs)
      return baseCase('truncated JSON', full.subarray(0, rng.int(1, full.length - 1)), [400], TRUNCATED)
    },
  ],
  [
    6,
    function garbage(rng) {
      const text = rng.chars(rng.int(1, 200), '{}[]:,"\\ abcxyz0123456789-+.eEtrufalsn\t\r\n')
      return baseCase('garbage text', Buffer.from(text), [400], /not valid JSON|no valid event|body is empty/)
    },
  ],
  [
    12,
    function wrongTypes(rng, inputs) {
      const events = someEvents(rng, inputs, 5).map((event) => wrongEvent(rng, event))
      return baseCase('wrong types', json(events.length === 1 ? events[0] : events), [400], NO_VALID_EVENT)
    },
  ],
  [
    6,
    function oversizedStrings(rng, inputs) {
      const event = clone(rng.pick(inputs.events))
      rng.pick(OVERSIZED_FIELDS)(event, rng.chars(rng.int(513, 20_000)))
      return baseCase('string over its limit', json([event]), [400], NO_VALID_EVENT)
    },
  ],
  [
    1,
    function overBodyLimit(rng, inputs) {
      const event = clone(rng.pick(inputs.events))
      event.arguments = { blob: 'a'.repeat(inputs.maxBodyBytes + rng.int(1, 50_000)) }
      return baseCase('body over maxBodyBytes', json(event), [413], /exceeds \d+ bytes/)
    },
  ],
  [
    5,
    function deepNesting(rng, inputs) {
      const depth = rng.int(65, 20_000)
      if (rng.bool(0.5)) {
        const body = `${'['.repeat(depth)}${']'.repeat(depth)}`
        return baseCase('deep nesting', Buffer.from(body), [400], /nested deeper than 64/)
      }
      const event = clone(rng.pick(inputs.events))
      const text = JSON.stringify(event)
      const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      const body = `${text.slice(0, -1)},"arguments":${nested}}`
      return baseCase('deep nesting in arguments', Buffer.from(body), [400], /nested deeper than 64/)
    },
  ],
  [
    5,
    function nulBytes(rng, inputs) {
      const body = splice(rng, validBody(rng, inputs), () => Buffer.from([0]), rng.int(1, 4))
      // A NUL dropped inside a multi-byte character breaks the UTF-8 before the JSON.
      return baseCase('NUL bytes', body, [400], /not valid JSON|not valid UTF-8/)
    },
  ],
  [
    6,
    function invalidUtf8(rng, inputs) {
      const body = validBody(rng, inputs)
      const positions = insideStrings(body)
      const at = rng.pick(positions)
      const bad = rng.pick(INVALID_UTF8)
      const out = Buffer.concat([body.subarray(0, at), bad, body.subarray(at)])
      return baseCase('invalid UTF-8 inside a string', out, [400], /not valid UTF-8/)
    },
  ],
  [
    4,
    function byteOrderMarks(rng, inputs) {
      const text = JSON.stringify(rng.pick(inputs.events))
      switch (rng.int(0, 2)) {
        case 0: // UTF-16LE with its BOM: not UTF-8
          return baseCase(
            'UTF-16 body with BOM',
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
            [400],
            /not valid UTF-8/,
          )
        case 1: // UTF-16BE without a BOM: NULs between the characters
          // ASCII text becomes valid UTF-8 that is not JSON; other characters can make bytes that
          // are not UTF-8 at all, which is refused first.
          return baseCase(
            'UTF-16BE body',
            Buffer.from(text, 'utf16le').swap16(),
            [400],
            /not valid JSON|not valid UTF-8/,
          )
        default: // a UTF-8 BOM in front of a truncated body
          return baseCase(
            'UTF-8 BOM and truncated JSON',
            Buffer.concat([
              Buffer.from([0xef, 0xbb, 0xbf]),
              Buffer.from(text.slice(0, rng.int(1, text.length - 1))),
            ]),
            [400],
            INVALID_JSON,
          )
      }
    },
  ],
  [
    6,
    function ndjsonBadLines(rng, inputs) {
      const lines = Array.from({ length: rng.int(1, 8) }, () => {
        switch (rng.int(0, 3)) {
          case 0:
            return `{${rng.chars(rng.int(0, 40))}`
          case 1:
            return JSON.stringify(wrongEvent(rng, rng.pick(inputs.events)))
          case 2:
            return String(rng.int(-1000, 1000))
          default:
            return JSON.stringify(rng.pick(inputs.events)).slice(0, -1)
        }
      })
      const contentType = rng.pick(['application/x-ndjson', 'application/jsonl'])
      return {
        ...baseCase('NDJSON, every line bad', Buffer.from(lines.join('\n')), [400], NO_VALID_EVENT),
        headers: { ...auth(), 'content-type': contentType },
      }
    },
  ],
  [
    4,
    function emptyOrScalar(rng) {
      const body = rng.pick([
        '',
        '   ',
        '\n\n',
        '[]',
        '{}',
        '[[]]',
        'null',
        '42',
        '-0.5e3',
        '"event"',
        'true',
        '[1,2,3]',
        '[null,false]',
        '[[{}]]',
        '{"":""}',
      ])
      return baseCase(
        'empty, scalar or empty array',
        Buffer.from(body),
        [400],
        /body is empty|no valid event|holds no MCP event/,
      )
    },
  ],
  [
    7,
    function badAuthorization(rng, inputs) {
      const header = rng.pick([
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `Basic ${Buffer.from('acme:secret').toString('base64')}`,
        `Bearer ${rng.chars(rng.int(1, 80))}`,
        `Bearer ${TOKENS.acmeIngest}x`,
        `Bearer ${TOKENS.acmeIngest} extra`,
        `Token ${TOKENS.acmeIngest}`,
        rng.chars(rng.int(1, 60)),
      ])
      const headers: Record<string, string> = { 'content-type': JSON_TYPE }
      if (header !== undefined) headers.authorization = header
      return {
        kind: 'bad Authorization',
        path: '/v1/events',
        headers,
        body: validBody(rng, inputs),
        statuses: [401],
        reason: /bearer token|unknown token/,
      }
    },
  ],
  [
    2,
    function readScope(rng, inputs) {
      return {
        kind: 'read-scope token',
        path: '/v1/events',
        headers: { ...auth(TOKENS.acmeRead), 'content-type': JSON_TYPE },
        body: validBody(rng, inputs),
        statuses: [403],
        reason: /scope read/,
      }
    },
  ],
  [
    5,
    function wrongContentType(rng, inputs) {
      const type = rng.pick([
        'text/csv',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'image/png',
        'application/octet-stream',
        'application/protobuf',
        'json',
      ])
      return {
        ...baseCase(
          'wrong Content-Type',
          validBody(rng, inputs),
          [415],
          /Content-Type ".*" is not supported/,
        ),
        headers: { ...auth(), 'content-type': type },
      }
    },
  ],
  [
    4,
    function bogusEncoding(rng, inputs) {
      const encoding = rng.pick(['compress', 'zstd', 'x-bogus', 'gzip2', 'snappy', 'lz4'])
      return {
        ...baseCase('bogus Content-Encoding', validBody(rng, inputs), [415], /unsupported content encoding/),
        headers: { ...auth(), 'content-type': JSON_TYPE, 'content-encoding': encoding },
      }
    },
  ],
  [
    5,
    function corruptGzip(rng, inputs) {
      const gz = gzipSync(validBody(rng, inputs))
      let body: Buffer
      let encoding = 'gzip'
      switch (rng.int(0, 3)) {
        case 0: // truncated
          body = gz.subarray(0, rng.int(1, gz.length - 1))
          break
        case 1: {
          // a byte of the compressed data or the trailer changed (the 10-byte header's mtime is not checked)
          body = Buffer.from(gz)
          const at = rng.int(10, body.length - 1)
          body[at] = body[at]! ^ rng.int(1, 255)
          // A flip in the padding bits after the last deflate block decodes to the same body;
          // a flipped CRC byte is always caught.
          if (gunzipsCleanly(body)) body[body.length - 8] = body[body.length - 8]! ^ 0xff
          break
        }
        case 2: // not gzip at all
          body = validBody(rng, inputs)
          break
        default: // gzip labelled deflate
          body = gz
          encoding = 'deflate'
      }
      return {
        ...baseCase('corrupt gzip', body, [400], /does not match its Content-Encoding/),
        headers: { ...auth(), 'content-type': JSON_TYPE, 'content-encoding': encoding },
      }
    },
  ],
  [
    2,
    function gzipBomb(rng, inputs) {
      const filler = rng.pick([' ', '[', '0'])
      const times = rng.int(2, 8)
      const key = `${filler}${times}`
      let body = bombs.get(key)
      if (!body) bombs.set(key, (body = gzipSync(Buffer.alloc(inputs.maxBodyBytes * times, filler))))
      return {
        ...baseCase('gzip bomb', body, [413], /exceeds \d+ bytes/),
        headers: { ...auth(), 'content-type': JSON_TYPE, 'content-encoding': 'gzip' },
      }
    },
  ],
  [
    3,
    function unknownFormat(rng, inputs) {
      const query = rng.pick([
        `format=${rng.chars(rng.int(1, 20), 'abcdefghijklmnopqrstuvwxyz-_')}`,
        'format=GENERIC',
        'format=generic&format=kong',
        'format=',
        'format=%00',
      ])
      return {
        ...baseCase('unknown ?format=', validBody(rng, inputs), [400], /unknown format/),
        path: `/v1/events?${query}`,
      }
    },
  ],
  [
    1,
    function dockerInterceptorGarbage(rng, inputs) {
      // Docker's interceptor answers carry the reason in X-MCP-Audit-Error and an empty body.
      const full = validBody(rng, inputs)
      return {
        ...baseCase(
          '?format=docker, truncated JSON',
          full.subarray(0, rng.int(1, full.length - 1)),
          [400],
          TRUNCATED,
        ),
        path: '/v1/events?format=docker&server=fuzz',
      }
    },
  ],
  [
    2,
    function contentLengthMismatch(rng, inputs) {
      const body = validBody(rng, inputs)
      return {
        // Either answer may come first: the truncated body's, or the one for the bytes after it.
        ...baseCase(
          'Content-Length shorter than the body',
          body,
          [400],
          /not valid JSON|not well-formed HTTP/,
        ),
        contentLength: rng.int(1, body.length - 1),
      }
    },
  ],
]

/**
 * `count` malformed requests from `seed`, the same sequence every run. Made one at a time as they
 * are sent, so the megabyte bodies do not all sit in memory at once.
 */
export function* fuzzCases(seed: string, count: number, inputs: FuzzInputs): Generator<FuzzCase> {
  const rng = new Rng(seed)
  const total = GENERATORS.reduce((sum, [weight]) => sum + weight, 0)
  for (let i = 0; i < count; i++) {
    let target = rng.next() * total
    const [, generate] = GENERATORS.find(([weight]) => (target -= weight) < 0) ?? GENERATORS[0]!
    yield generate(rng, inputs)
  }
}

function gunzipsCleanly(body: Buffer): boolean {
  try {
    gunzipSync(body)
    return true
  } catch {
    return false
  }
}
