import { describe, expect, it } from 'vitest'
import { loadSecretsCorpus } from './fixtures.js'
import { createRedactor } from './index.js'
import { isSensitiveKey } from './sensitive-keys.js'
import { SECRET_TYPES } from '../../../schemas/redaction.js'

const redactor = createRedactor({ hmacKey: 'test-key-0123456789abcdef' })
const corpus = loadSecretsCorpus()

/** Test tokens are assembled at run time so that no literal token sits in the source. */
const token = (prefix: string, body: string): string => prefix + body

describe('secrets corpus (test/fixtures/secrets/corpus.json)', () => {
  it('has positives for every secret type', () => {
    const covered = new Set(corpus.positives.map((positive) => positive.type))
    expect(SECRET_TYPES.filter((type) => !covered.has(type))).toEqual([])
  })

  it.each(corpus.positives.map((positive) => [positive.type, positive] as const))(
    '%s: redacted, typed, and gone from the output',
    (type, positive) => {
      const result = redactor.redactText(positive.text)
      expect(result.text).not.toContain(positive.secret)
      expect(result.findings).toHaveProperty(type)
      expect(result.text).toContain(`[REDACTED:${type}]`)
    },
  )

  it.each(corpus.negatives.map((negative) => [negative.why, negative.text] as const))(
    'negative (%s): nothing detected',
    (_why, text) => {
      expect(redactor.detect(text).map((hit) => `${hit.type}:${text.slice(hit.start, hit.end)}`)).toEqual([])
      expect(redactor.redactText(text).text).toBe(text)
    },
  )
})

describe('vendor tokens', () => {
  it('keeps the surrounding text and only replaces the token', () => {
    const key = token('AKIA', 'QYLPMN5HFIQR7XYZ')
    expect(redactor.redactText(`id=${key};`).text).toBe('id=[REDACTED:AWS_ACCESS_KEY];')
  })

  it('does not fire inside longer words or on wrong lengths', () => {
    expect(redactor.detect(token('xAKIA', 'QYLPMN5HFIQR7XYZ'))).toEqual([])
    expect(redactor.detect(token('ghp_', 'abc'))).toEqual([])
    expect(redactor.detect(token('AIza', 'Sy-short'))).toEqual([])
  })
})

describe('keys and authorization in free text', () => {
  it('redacts the value after a sensitive key and keeps the key', () => {
    expect(redactor.redactText('user=bob&password=hunter2&x=1').text).toBe(
      'user=bob&password=[REDACTED:SENSITIVE_KEY]&x=1',
    )
    expect(redactor.redactText('"Client-Secret": "abc def"').text).toBe(
      '"Client-Secret": "[REDACTED:SENSITIVE_KEY]"',
    )
    expect(redactor.redactText('Cookie: sid=abc; theme=dark\nAccept: */*').text).toBe(
      'Cookie: [REDACTED:SENSITIVE_KEY]\nAccept: */*',
    )
  })

  it('keeps the scheme of authorization values readable', () => {
    expect(redactor.redactText('Authorization: Bearer abc.def-123_456').text).toBe(
      'Authorization: Bearer [REDACTED:BEARER_TOKEN]',
    )
    expect(redactor.redactText('authorization: basic dXNlcjpwYXNz').text).toBe(
      'authorization: basic [REDACTED:BASIC_AUTH]',
    )
  })

  it('replaces only the userinfo of URLs', () => {
    expect(redactor.redactText('postgres://app:s3cret@db:5432/orders').text).toBe(
      'postgres://[REDACTED:URL_CREDENTIALS]@db:5432/orders',
    )
    expect(redactor.detect('https://example.com:8443/a?b=c')).toEqual([])
  })

  it('types an AWS secret key by its key name', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + '0123456789'
    expect(redactor.redactText(`aws_secret_access_key = ${secret}`).findings).toEqual({ AWS_SECRET_KEY: 1 })
    expect(redactor.redactText(`other_secret = ${secret}`).findings).toEqual({ SENSITIVE_KEY: 1 })
  })
})

describe('isSensitiveKey', () => {
  it('normalises case, "-", "_" and "." and matches suffixes', () => {
    for (const key of [
      'password',
      'Passwd',
      'db_password',
      'SECRET',
      'client-secret',
      'clientSecret',
      'GITHUB_TOKEN',
      'access_token',
      'refreshToken',
      'api_key',
      'x-api-key',
      'ApiKey',
      'Authorization',
      'set-cookie',
      'private_key',
      'session',
      'sessionId',
      'auth',
      'aws.secretAccessKey',
    ]) {
      expect(isSensitiveKey(key), key).toBe(true)
    }
  })

  it('leaves counters and look-alikes alone', () => {
    for (const key of [
      'max_tokens',
      'token_count',
      'tokens',
      'tokenizer',
      'password_policy',
      'oauth',
      'sessions',
      'author',
      'keyboard',
      'auth_method',
    ]) {
      expect(isSensitiveKey(key), key).toBe(false)
    }
  })
})
