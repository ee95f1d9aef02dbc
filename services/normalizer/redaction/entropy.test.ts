import { describe, expect, it } from 'vitest'
import { isCredentialLikeKey, isHighEntropySecret, shannonEntropy } from './entropy.js'
import { normalizeKey } from './sensitive-keys.js'

describe('shannonEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('abcd')).toBe(2)
  })
})

describe('isHighEntropySecret', () => {
  it('accepts random-looking values', () => {
    for (const value of ['7Hk2pQ9mZxL4vR8sT1wYbN3c', 'Xk9pQ2mZ7vL4nR8s', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY01'])
      expect(isHighEntropySecret(value), value).toBe(true)
  })

  it('leaves id shapes, words and counters alone', () => {
    for (const value of [
      '3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8091a2', // UUID
      'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', // git SHA
      'D41D8CD98F00B204E9800998ECF8427E', // md5, upper case
      'sha256-9f86d081884c7d659a2feaa0c55ad015',
      '2026-11-24T10:00:00.123Z',
      'v20.19.0-nightly20260101',
      '2024112400012345',
      'order-2024-000123',
      'getAccessTokenForUser',
      'user_profile_1234567890',
      'aaaaBBBB11112222',
    ])
      expect(isHighEntropySecret(value), value).toBe(false)
  })

  it('needs 16 to 512 characters', () => {
    expect(isHighEntropySecret('Xk9pQ2mZ7vL4nR8')).toBe(false)
    expect(isHighEntropySecret('Xk9pQ2mZ7vL4nR8s'.repeat(33))).toBe(false)
  })
})

describe('isCredentialLikeKey', () => {
  it('matches key-like names that are not sensitive on their own', () => {
    for (const key of ['key', 'signingKey', 'encryption_key', 'salt', 'HMAC', '签名密钥', 'authCode'])
      expect(isCredentialLikeKey(normalizeKey(key)), key).toBe(true)
    for (const key of ['keyboard', 'name', 'monkey_id', 'codec', 'public_key', 'partitionKey'])
      expect(isCredentialLikeKey(normalizeKey(key)), key).toBe(false)
  })
})
