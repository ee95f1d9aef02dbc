import { generateKeyPairSync } from 'node:crypto'
import { ed25519KeyId, type Ed25519Key } from '../../services/platform/ed25519-key.js'

/** A throwaway Ed25519 seal key for a benchmark run (never written to disk). */
export function benchSealKey(): Ed25519Key {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, publicKey, publicKeyPem, keyId: ed25519KeyId(publicKey) }
}
