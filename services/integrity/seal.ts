import { createHash, sign, verify, type KeyObject } from 'node:crypto'
import { canonicalJson } from '../platform/canonical-json.js'

/** `prev_hash` of the first seal of a chain. */
export const CHAIN_START = '0'.repeat(64)

/**
 * Everything a seal states except its signature: the seal hash is SHA-256 of these fields as
 * canonical JSON (times as epoch milliseconds, so no time format can change the bytes). Each
 * seal's `prevHash` is the previous seal's hash in its chain (tenant, partition, epoch).
 */
export interface SealHeader {
  hashVersion: number
  keyId: string
  tenantId: string
  partition: number
  epoch: number
  seq: number
  fromOffset: number
  toOffset: number
  sealedAtMs: number
  rowCount: number
  minOccurredAtMs: number
  maxOccurredAtMs: number
  digest: string
  prevHash: string
}

export function sealHash(header: SealHeader): string {
  return createHash('sha256').update(canonicalJson(header)).digest('hex')
}

/** Ed25519 over the 32 bytes of the seal hash, hex. */
export function signSeal(hash: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(hash, 'hex'), privateKey).toString('hex')
}

export function signatureValid(hash: string, signature: string, publicKey: KeyObject): boolean {
  if (!/^[0-9a-f]{128}$/i.test(signature) || !/^[0-9a-f]{64}$/i.test(hash)) return false
  return verify(null, Buffer.from(hash, 'hex'), publicKey, Buffer.from(signature, 'hex'))
}
