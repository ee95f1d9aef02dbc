import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CHAIN_START, sealHash, signatureValid, signSeal, type SealHeader } from './seal.js'

const header: SealHeader = {
  hashVersion: 1,
  keyId: 'k1',
  tenantId: 'acme',
  partition: 2,
  epoch: 0,
  seq: 0,
  fromOffset: 0,
  toOffset: 120,
  sealedAtMs: 1_764_000_000_000,
  rowCount: 100,
  minOccurredAtMs: 1_763_990_000_000,
  maxOccurredAtMs: 1_763_999_000_000,
  digest: 'ab'.repeat(32),
  prevHash: CHAIN_START,
}

describe('seal hash and signature', () => {
  it('changes with any field of the header and not with the order of its keys', () => {
    const reordered = Object.fromEntries(Object.entries(header).reverse()) as unknown as SealHeader
    expect(sealHash(reordered)).toBe(sealHash(header))
    for (const change of [
      { rowCount: 99 },
      { prevHash: 'cd'.repeat(32) },
      { toOffset: 121 },
      { tenantId: 'x' },
    ]) {
      expect(sealHash({ ...header, ...change })).not.toBe(sealHash(header))
    }
  })

  it('verifies with the signing key only, and not over another hash', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const other = generateKeyPairSync('ed25519').publicKey
    const hash = sealHash(header)
    const signature = signSeal(hash, privateKey)
    expect(signatureValid(hash, signature, publicKey)).toBe(true)
    expect(signatureValid(hash, signature, other)).toBe(false)
    expect(signatureValid(sealHash({ ...header, seq: 1 }), signature, publicKey)).toBe(false)
    expect(signatureValid(hash, 'not hex', publicKey)).toBe(false)
  })
})
