import { describe, expect, it } from 'vitest'
import { MAX_DECODE_DEPTH, withDecoding } from './encoded.js'
import { createRedactor } from './index.js'
import { createScanner } from './scanner.js'

const redactor = createRedactor({ hmacKey: 'test-key-0123456789abcdef' })
const b64 = (text: string): string => Buffer.from(text).toString('base64')
const pem = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7' + 'q'.repeat(20),
  '-----END PRIVATE KEY-----',
].join('\n')

describe('percent-encoded text', () => {
  it('replaces the encoded value and keeps the encoded key readable', () => {
    const text = 'h=Authorization%3A%20Bearer%20abcDEF1234567890xyz&x=1'
    expect(redactor.redactText(text).text).toBe('h=Authorization%3A%20Bearer%20[REDACTED:BEARER_TOKEN]&x=1')
    expect(redactor.redactText('q=api%5Fkey%3Dp%40ss%21word1&y=2').text).toBe(
      'q=api%5Fkey%3D[REDACTED:SENSITIVE_KEY]&y=2',
    )
  })

  it('works in JSON strings and Chinese keys', () => {
    const out = redactor.redactJson({ url: '/login?%E5%AF%86%E7%A0%81%3Dhunter2' })
    expect(out.json).toBe('{"url":"/login?%E5%AF%86%E7%A0%81%3D[REDACTED:SENSITIVE_KEY]"}')
  })

  it('leaves percent-encoded prose alone', () => {
    const text = 'https://docs.example.com/search?q=api%20key%20rotation%20guide'
    expect(redactor.redactText(text).text).toBe(text)
  })
})

describe('base64', () => {
  it('redacts a base64 PEM key whole, under any key or none', () => {
    const encoded = b64(pem)
    for (const value of [
      { data: { 'tls.key': encoded } },
      { data: { blob: encoded } },
      [`key file ${encoded}`],
    ]) {
      const out = redactor.redactJson(value)
      expect(out.json).not.toContain(encoded.slice(20, 40))
      expect(out.findings).toEqual({ PRIVATE_KEY: 1 })
    }
  })

  it('redacts base64url JSON credentials and types them by the secret inside', () => {
    const encoded = Buffer.from(JSON.stringify({ user: 'svc-ci', token: 'ghp_' + 'x1'.repeat(18) })).toString(
      'base64url',
    )
    expect(redactor.redactText(`cfg=${encoded} end`)).toEqual({
      text: 'cfg=[REDACTED:GITHUB_TOKEN] end',
      findings: { GITHUB_TOKEN: 1 },
      truncated: false,
    })
  })

  it('keeps base64 of text with nothing in it, binary data and short strings', () => {
    for (const text of [
      b64('The quick brown fox jumps over the lazy dog'),
      Buffer.alloc(64, 200).toString('base64'),
      b64('password=hunter2'), // 24 characters: below the minimum
    ])
      expect(redactor.redactText(text).text).toBe(text)
  })

  it('decodes nested encodings only down to MAX_DECODE_DEPTH', () => {
    const scanner = withDecoding(createScanner())
    let text = 'password=hunter2hunter2'
    for (let depth = 1; depth <= MAX_DECODE_DEPTH; depth++) {
      text = b64(`note ${text}`)
      expect(scanner.scan(text), `depth ${depth}`).toHaveLength(1)
    }
    expect(scanner.scan(b64(`note ${text}`))).toEqual([])
  })
})
