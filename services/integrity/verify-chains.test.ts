import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ed25519KeyId } from '../platform/ed25519-key.js'
import { CHAIN_START, sealHash, signSeal, type SealHeader } from './seal.js'
import { checkSeals, type StoredSeal } from './verify-chains.js'

const { privateKey, publicKey } = generateKeyPairSync('ed25519')
const keyId = ed25519KeyId(publicKey)

/** A chain of correctly signed seals 0…n-1 of one tenant and partition. */
function chain(length: number): StoredSeal[] {
  const seals: StoredSeal[] = []
  for (let seq = 0; seq < length; seq++) {
    const header: SealHeader = {
      hashVersion: 1,
      keyId,
      tenantId: 'acme',
      partition: 0,
      epoch: 0,
      seq,
      fromOffset: seq * 10,
      toOffset: seq * 10 + 10,
      sealedAtMs: 1_000 + seq,
      rowCount: 2,
      minOccurredAtMs: 1,
      maxOccurredAtMs: 2,
      digest: 'd'.repeat(64),
      prevHash: seals[seq - 1]?.sealHash ?? CHAIN_START,
    }
    const hash = sealHash(header)
    seals.push({
      ...header,
      sealHash: hash,
      signature: signSeal(hash, privateKey),
      inRange: true,
      leaves: 2,
      aligned: true,
      recomputedDigest: header.digest,
    })
  }
  return seals
}

const kinds = (seals: StoredSeal[]) =>
  checkSeals(seals, publicKey, keyId).map((p) => `${p.kind}@${p.seal?.seq}`)

describe('seal and chain checks', () => {
  it('finds nothing wrong in an untouched chain, or one with a seal stored twice', () => {
    const seals = chain(4)
    expect(kinds(seals)).toEqual([])
    expect(kinds([...seals, seals[2]!])).toEqual([])
  })

  it('names an edited header, an edited list of leaves and a foreign signature', () => {
    const seals = chain(3)
    seals[0] = { ...seals[0]!, rowCount: 3, leaves: 3 }
    seals[1] = { ...seals[1]!, recomputedDigest: 'e'.repeat(64) }
    const other = generateKeyPairSync('ed25519').privateKey
    seals[2] = { ...seals[2]!, signature: signSeal(seals[2]!.sealHash, other) }
    expect(kinds(seals)).toEqual(['seal_edited@0', 'seal_edited@1', 'bad_signature@2'])
  })

  it('names a missing seal, a fork and a broken link', () => {
    const seals = chain(5)
    const forked = { ...seals[3]!, sealHash: 'f'.repeat(64) }
    const withoutSecond = seals.filter((seal) => seal.seq !== 1)
    expect(kinds(withoutSecond)).toEqual(['seal_missing@2'])
    expect(kinds([...seals, forked])).toContain('fork@3')
    const relinked = chain(3)
    relinked[2] = { ...relinked[2]!, inRange: false }
    relinked[1] = { ...relinked[1]!, prevHash: 'a'.repeat(64) }
    expect(kinds(relinked)).toEqual(['seal_edited@1', 'chain_broken@1'])
  })
})
