import { describe, expect, it } from 'vitest'
import { createRedactor } from './index.js'

const redactor = createRedactor({ hmacKey: 'test-key-0123456789abcdef' })
const redact = (text: string): string => redactor.redactText(text).text
const SECRET = '7Hk2pQ9mZxL4vR8sT1wYbN3c'

describe('generic high-entropy rule (GENERIC_SECRET)', () => {
  it('redacts random values after credential-like words, in English and Chinese', () => {
    expect(redact(`the signing key is ${SECRET}.`)).toBe('the signing key is [REDACTED:GENERIC_SECRET].')
    expect(redact(`signing_key=${SECRET} next`)).toBe('signing_key=[REDACTED:GENERIC_SECRET] next')
    expect(redact(`{"signingKey": "${SECRET}"}`)).toBe('{"signingKey": "[REDACTED:GENERIC_SECRET]"}')
    expect(redact(`请使用密钥${SECRET}调用`)).toBe('请使用密钥[REDACTED:GENERIC_SECRET]调用')
    expect(redact(`token ${SECRET}`)).toBe('token [REDACTED:GENERIC_SECRET]')
  })

  it('types a known token by its vendor', () => {
    expect(redactor.redactText(`key ${'ghp_' + 'a1B2'.repeat(9)}`).findings).toEqual({ GITHUB_TOKEN: 1 })
  })

  it('leaves ids, versions and words after credential words alone', () => {
    for (const text of [
      'primary key 3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8091a2',
      'key a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      'key rotated 2026-11-24T10:00:00Z, key version 1.2.3-beta.4',
      'cache key user_profile_1234567890',
      'monkey7Hk2pQ9mZxL4vR8sT1wYbN3c',
      `key${SECRET}`,
    ])
      expect(redact(text), text).toBe(text)
  })

  it('applies to JSON values under credential-like keys', () => {
    const out = redactor.redactJson({
      signingKey: SECRET,
      idempotency_key: '3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8091a2',
    })
    expect(out.value).toEqual({
      signingKey: '[REDACTED:GENERIC_SECRET]',
      idempotency_key: '3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8091a2',
    })
  })

  it('can be disabled', () => {
    const off = createRedactor({ hmacKey: 'test-key-0123456789abcdef', disabledTypes: ['GENERIC_SECRET'] })
    expect(off.redactJson({ salt: SECRET }).value).toEqual({ salt: SECRET })
    expect(off.redactText(`salt ${SECRET}`).text).toBe(`salt ${SECRET}`)
  })
})

describe('JOSE tokens by header', () => {
  const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  it('finds JWS with any payload, JWE and detached JWS', () => {
    const opaque = Buffer.from('not json at all, opaque bytes').toString('base64url')
    for (const token of [
      `${b64url({ alg: 'RS256', kid: 'k1' })}.${opaque}.${'s'.repeat(43)}`,
      `${b64url({ kid: 'k1', alg: 'ES256' })}.${opaque}.${'s'.repeat(43)}`,
      `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${'k'.repeat(40)}.${'i'.repeat(16)}.${'c'.repeat(40)}.${'t'.repeat(22)}`,
      `${b64url({ typ: 'JWT', alg: 'HS256' })}..${'s'.repeat(43)}`,
    ])
      expect(redactor.redactText(`t=${token} x`)).toEqual({
        text: 't=[REDACTED:JWT] x',
        findings: { JWT: 1 },
        truncated: false,
      })
  })

  it('leaves a header alone', () => {
    const header = b64url({ alg: 'HS256' })
    for (const text of [`${header} is a header`, `header ${header}. Done.`]) expect(redact(text)).toBe(text)
  })
})

describe('connection strings and key names', () => {
  it('redacts the password of a connection string to its ";", spaces and braces included', () => {
    expect(redact('Server=db;User Id=sa;Password=my secret pass;Encrypt=true')).toBe(
      'Server=db;User Id=sa;Password=[REDACTED:SENSITIVE_KEY];Encrypt=true',
    )
    expect(redact('Password=my secret;Server=db')).toBe('Password=[REDACTED:SENSITIVE_KEY];Server=db')
    expect(redact('Driver={ODBC};UID=sa;PWD={p@ss;word};')).toBe(
      'Driver={ODBC};UID=sa;PWD={[REDACTED:SENSITIVE_KEY]};',
    )
    expect(redact('password=hunter2 and more; done')).toBe('password=[REDACTED:SENSITIVE_KEY] and more; done')
  })

  it('takes a whole connection string or DSN after its key', () => {
    expect(redact('CONNECTION_STRING=Server=db;Password=x1;Database=y\nnext')).toBe(
      'CONNECTION_STRING=[REDACTED:SENSITIVE_KEY]\nnext',
    )
    expect(redact('sentry_dsn: https://abc@o1.ingest.sentry.io/1')).toBe(
      'sentry_dsn: [REDACTED:SENSITIVE_KEY]',
    )
  })

  it('treats new key names as sensitive, in JSON and in text', () => {
    const out = redactor.redactJson({
      'tls.key': 'x',
      ssh_key: 'x',
      connection_string: 'x',
      密码: 'x',
      口令: 'x',
      密钥: 'x',
    })
    expect(Object.values(out.value as object)).toEqual(Array(6).fill('[REDACTED:SENSITIVE_KEY]'))
    expect(redact('数据库密码：abc123，请妥善保管')).toBe('数据库密码：[REDACTED:SENSITIVE_KEY]，请妥善保管')
    expect(redact('口令为Zx81q')).toBe('口令为[REDACTED:SENSITIVE_KEY]')
  })
})
