/**
 * Turns a request body into JSON records: one JSON value, a JSON array, or NDJSON. Failures are
 * values, not exceptions: a whole-body problem answers the request with a status, a bad NDJSON
 * line rejects only that record.
 */

import { isUtf8 } from 'node:buffer'

export type BodyError = { kind: 'error'; status: 400 | 413 | 415; message: string }

export type ParsedRecord = { kind: 'record'; value: unknown } | { kind: 'unparsable'; message: string }

export type ParsedBody = { kind: 'records'; records: ParsedRecord[] } | BodyError

export const MAX_JSON_DEPTH = 64

const JSON_TYPES = new Set([
  'application/json',
  'application/x-ndjson',
  'application/jsonl',
  'text/plain',
  '',
])

/**
 * Scans the raw text for bracket nesting before JSON.parse. V8's parser recurses, so a body of a
 * million `[` would throw RangeError deep inside; this rejects it first in linear time.
 */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash escapes the next character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true
    } else if (c === 125 || c === 93) depth--
  }
  return false
}

function parseOne(text: string): ParsedRecord {
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    return { kind: 'unparsable', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }
  }
  try {
    return { kind: 'record', value: JSON.parse(text) as unknown }
  } catch (err) {
    return { kind: 'unparsable', message: `invalid JSON: ${(err as Error).message}` }
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]!
    const extra =
      lead < 0x80 ? 0 : lead < 0xc2 ? -1 : lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : lead < 0xf5 ? 3 : -1
    if (extra < 0) return i
    // The second byte's range excludes overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k]
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i
    }
    i += extra + 1
  }
  return -1
}

/**
 * The body as text. Bytes that are not UTF-8 are refused rather than replaced with U+FFFD: an audit
 * record holds what the gateway sent, or nothing.
 */
export function decodeBody(bytes: Uint8Array): { kind: 'text'; text: string } | BodyError {
  if (!isUtf8(bytes)) {
    return {
      kind: 'error',
      status: 400,
      message: `the body is not valid UTF-8 (byte offset ${firstInvalidUtf8(bytes)}); send JSON encoded as UTF-8`,
    }
  }
  return {
    kind: 'text',
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  }
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}

export function parseBody(text: string, contentType: string | undefined): ParsedBody {
  const type = mediaType(contentType)
  if (!JSON_TYPES.has(type)) {
    return {
      kind: 'error',
      status: 415,
      message: `Content-Type "${type}" is not supported; send application/json (an event or an array) or application/x-ndjson`,
    }
  }
  const trimmed = text.trim()
  if (trimmed === '')
    return { kind: 'error', status: 400, message: 'the body is empty; send at least one event' }

  const ndjson = type === 'application/x-ndjson' || type === 'application/jsonl'
  if (!ndjson) {
    const whole = parseOne(trimmed)
    if (whole.kind === 'unparsable') {
      // A JSON body that is really NDJSON (several lines, each an object) is accepted as such.
      const lines = trimmed.split('\n')
      if (lines.length > 1 && lines.every((line) => line.trim() === '' || line.trim().startsWith('{'))) {
        return parseLines(lines)
      }
      return {
        kind: 'error',
        status: 400,
        message: `the body is not valid JSON: ${whole.message.replace(/^invalid JSON: /, '')}`,
      }
    }
    if (Array.isArray(whole.value)) {
      return { kind: 'records', records: whole.value.map((value: unknown) => ({ kind: 'record', value })) }
    }
    return { kind: 'records', records: [whole] }
  }
  return parseLines(trimmed.split('\n'))
}

function parseLines(lines: string[]): ParsedBody {
  const records: ParsedRecord[] = []
  for (const line of lines) {
    const trimmed = line.trim()
    if (trimmed !== '') records.push(parseOne(trimmed))
  }
  return { kind: 'records', records }
}
