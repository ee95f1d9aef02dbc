import { generateKeyPairSync } from 'node:crypto'
import { ed25519KeyId, type Ed25519Key } from '../../services/platform/ed25519-key.js'

/** A fresh Ed25519 signing key in memory, shaped like the ones mcp-audit loads. */
export function ed25519TestKey(): Ed25519Key {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: ed25519KeyId(publicKey),
  }
}
