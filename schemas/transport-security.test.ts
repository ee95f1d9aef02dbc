import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeStorageKey } from './transport-security.js'

describe('decodeStorageKey', () => {
  const key = randomBytes(32)

  it('accepts 32 bytes as hex, base64 and base64url, and returns lowercase hex', () => {
    const hex = key.toString('hex')
    expect(decodeStorageKey(hex.toUpperCase())).toEqual({ ok: true, hex })
    expect(decodeStorageKey(key.toString('base64'))).toEqual({ ok: true, hex })
    expect(decodeStorageKey(key.toString('base64url'))).toEqual({ ok: true, hex })
    expect(decodeStorageKey(` ${hex}\n`)).toEqual({ ok: true, hex })
  })

  it('names the length it got for keys that are not AES-256', () => {
    expect(decodeStorageKey(randomBytes(16).toString('hex'))).toEqual({
      ok: false,
      reason: '16 bytes in hex',
    })
    expect(decodeStorageKey(randomBytes(24).toString('base64'))).toEqual({
      ok: false,
      reason: '24 bytes in base64',
    })
    expect(decodeStorageKey('correct horse battery staple')).toEqual({
      ok: false,
      reason: 'neither hex nor base64',
    })
  })
})
