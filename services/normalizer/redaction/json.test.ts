import { describe, expect, it } from 'vitest'
import { jsonExcerpt } from './excerpt.js'
import { DEPTH_PLACEHOLDER, TRUNCATION_MARKER, createRedactor } from './index.js'

const hmacKey = 'test-key-0123456789abcdef'
const redactor = createRedactor({ hmacKey, pseudonymizeTypes: [] })
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value))

describe('redactJson', () => {
  it('walks nested objects and arrays, redacting values, and keys only where they hold PII', () => {
    const input = {
      path: '/home/alice/notes.txt',
      recipients: ['bob@example.com', { cc: 'carol@example.com', count: 2 }],
      nested: { deeper: { text: 'card 4111 1111 1111 1111' } },
      'jane@example.com': 'kept key',
      ok: true,
      none: null,
    }
    const result = redactor.redactJson(input)
    expect(result.value).toEqual({
      path: '/home/alice/notes.txt',
      recipients: ['[REDACTED:EMAIL]', { cc: '[REDACTED:EMAIL]', count: 2 }],
      nested: { deeper: { text: 'card [REDACTED:CREDIT_CARD]' } },
      '[REDACTED:EMAIL]': 'kept key',
      ok: true,
      none: null,
    })
    expect(result.findings).toEqual({ EMAIL: 3, CREDIT_CARD: 1 })
    expect(JSON.parse(result.json)).toEqual(result.value)
    expect(result.truncated).toBe(false)
  })

  it('replaces the whole value of a sensitive key, whatever its shape', () => {
    const result = redactor.redactJson({
      headers: { Authorization: 'Bearer abc123def456', 'X-Api-Key': 'k-1', Accept: 'json' },
      db: { password: { nested: 'x' }, passwordPolicy: 'strict', password_hint: null },
      Client_Secret: 42,
      token: '',
      has_token: false,
      max_tokens: 1024,
    })
    expect(result.value).toEqual({
      headers: {
        Authorization: '[REDACTED:BEARER_TOKEN]',
        'X-Api-Key': '[REDACTED:SENSITIVE_KEY]',
        Accept: 'json',
      },
      db: { password: '[REDACTED:SENSITIVE_KEY]', passwordPolicy: 'strict', password_hint: null },
      Client_Secret: '[REDACTED:SENSITIVE_KEY]',
      token: '',
      has_token: false,
      max_tokens: 1024,
    })
    expect(result.findings).toEqual({ BEARER_TOKEN: 1, SENSITIVE_KEY: 3 })
  })

  it('uses key names for PII without a shape of its own: names, national phones, street lines', () => {
    const result = redactor.redactJson({
      rows: [
        {
          id: 7,
          name: 'Ana Souza',
          email: 'ana@example.com',
          phone: '0490 75 40 81',
          address_line1: 'Rua Augusta 12',
        },
      ],
      first_name: 'Jonas',
      tool: { name: 'read_file', description: 'Reads a file' },
      mobile: 'n/a',
    })
    expect(result.value).toEqual({
      rows: [
        {
          id: 7,
          name: '[REDACTED:PERSON]',
          email: '[REDACTED:EMAIL]',
          phone: '[REDACTED:PHONE]',
          address_line1: '[REDACTED:STREET_ADDRESS]',
        },
      ],
      first_name: '[REDACTED:PERSON]',
      tool: { name: 'read_file', description: 'Reads a file' },
      mobile: 'n/a',
    })
    expect(result.findings).toEqual({ PERSON: 2, EMAIL: 1, PHONE: 1, STREET_ADDRESS: 1 })
  })

  it('does not mutate its input', () => {
    const input = { a: ['mail me: x@example.com'], password: 'p' }
    const copy = structuredClone(input)
    redactor.redactJson(input)
    expect(input).toEqual(copy)
  })

  it('replaces subtrees past maxDepth and says so', () => {
    const shallow = createRedactor({ hmacKey, maxDepth: 2 })
    const result = shallow.redactJson({ a: { b: { c: 'x@example.com' } }, list: [[1]] })
    expect(result.value).toEqual({ a: { b: DEPTH_PLACEHOLDER }, list: [DEPTH_PLACEHOLDER] })
    expect(result.truncated).toBe(true)
    expect(result.json).not.toContain('x@example.com')
  })

  it('scans long strings up to the cap, cuts them there, and does not leak a value across the cut', () => {
    const capped = createRedactor({ hmacKey, maxStringBytes: 256 })
    const card = '4111 1111 1111 1111'
    const text = `${'a'.repeat(245)} ${card} ${'b'.repeat(5000)}`
    const result = capped.redactJson({ text })
    const out = (result.value as { text: string }).text
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(256)
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true)
    expect(out).not.toMatch(/4111|1111/)
    expect(result.findings).toEqual({ CREDIT_CARD: 1 })
    expect(result.truncated).toBe(true)
  })

  it('cuts the JSON to the byte budget as valid JSON and reports the original size', () => {
    const input = {
      content: Array.from({ length: 200 }, (_, i) => ({
        type: 'text',
        text: `line ${i} for ops@example.com`,
      })),
      isError: false,
    }
    const result = redactor.redactJson(input, { maxBytes: 1024 })
    expect(result.truncated).toBe(true)
    expect(Buffer.byteLength(result.json)).toBeLessThanOrEqual(1024)
    expect(() => JSON.parse(result.json) as unknown).not.toThrow()
    expect(result.json).not.toContain('ops@example.com')
    expect(result.originalBytes).toBe(bytes(input))
    expect(result.findings).toEqual({ EMAIL: 200 })
  })

  it('measures originalBytes exactly for escapes, unicode, numbers and dropped members', () => {
    const input = {
      quote: 'say "hi"\n\ttab \u0001 ctrl',
      unicode: 'Grüße 你好 🎉',
      numbers: [1, -2.5, 1e21, 0],
      missing: undefined,
      flags: [true, false, null],
      password: 'x',
      deep: { a: [{ b: 'c' }] },
    }
    expect(redactor.redactJson(input).originalBytes).toBe(bytes(input))
  })

  it('handles top-level strings, numbers, null and __proto__ keys', () => {
    expect(redactor.redactJson('mail x@example.com').value).toBe('mail [REDACTED:EMAIL]')
    expect(redactor.redactJson(7).json).toBe('7')
    expect(redactor.redactJson(null).json).toBe('null')
    const parsed = JSON.parse('{"__proto__": {"email": "x@example.com"}}') as unknown
    const result = redactor.redactJson(parsed)
    expect(result.json).toBe('{"__proto__":{"email":"[REDACTED:EMAIL]"}}')
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype)
  })
})

describe('jsonExcerpt', () => {
  it('returns the full JSON when it fits and valid JSON within budget when not', () => {
    expect(jsonExcerpt({ a: [1, 2] }, 100)).toBe('{"a":[1,2]}')
    const value = { a: 'x'.repeat(500), b: [1, 2, 3], c: { d: 'é'.repeat(300) } }
    for (const budget of [256, 300, 600, 900]) {
      const excerpt = jsonExcerpt(value, budget)
      expect(Buffer.byteLength(excerpt), String(budget)).toBeLessThanOrEqual(budget)
      expect(() => JSON.parse(excerpt) as unknown).not.toThrow()
    }
  })
})

describe('redactJson: keys and numbers', () => {
  const redactor = createRedactor({ hmacKey: 'k'.repeat(32) })

  it('redacts personal data used as object keys', () => {
    const out = redactor.redactJson({ 'alice@example.com': { role: 'admin' }, 'bob@example.com': 1 })
    expect(out.json).not.toContain('alice@example.com')
    expect(out.json).not.toContain('bob@example.com')
    expect(Object.keys(out.value as object)).toHaveLength(2)
    expect(out.findings.EMAIL).toBe(2)
  })

  it('redacts a key with personal data every time it comes, and counts it every time', () => {
    const input = { 'alice@example.com': 'x', role: 'admin' }
    for (let call = 0; call < 3; call++) {
      const out = redactor.redactJson(input)
      expect(out.json).not.toContain('alice@example.com')
      expect(out.json).toContain('"role":"admin"')
      expect(out.findings).toEqual({ EMAIL: 1 })
    }
  })

  it('redacts card numbers sent as JSON numbers and leaves ordinary numbers alone', () => {
    const out = redactor.redactJson({ card: 4111111111111111, count: 12345, ms: 1732442400000 })
    expect(out.json).not.toContain('4111111111111111')
    expect(out.findings.CREDIT_CARD).toBe(1)
    expect(out.value).toMatchObject({ count: 12345, ms: 1732442400000 })
  })
})
