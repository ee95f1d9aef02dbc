import path from 'node:path'
import type { KeyObject } from 'node:crypto'
import type { AppConfig } from '../../schemas/config.js'
import {
  loadEd25519Key,
  trustedEd25519PublicKey,
  type Ed25519Key,
  type KeyFiles,
} from '../platform/ed25519-key.js'
import type { Logger } from '../platform/logger.js'

type KeyConfig = Pick<AppConfig, 'dataDir' | 'integrity'>

/** `integrity.signingKey`, else `<dataDir>/integrity/seal-key.pem` (public key: `seal-key.pub.pem`). */
export function sealKeyFiles(config: KeyConfig): KeyFiles {
  const root = path.resolve(config.dataDir, 'integrity')
  return {
    configKey: 'integrity.signingKey',
    configured: config.integrity.signingKey,
    privateKey: path.join(root, 'seal-key.pem'),
    publicKey: path.join(root, 'seal-key.pub.pem'),
  }
}

/** The key that signs seals; its own key, not the report signing key. */
export function loadSealKey(config: KeyConfig, logger: Logger): Ed25519Key {
  const files = sealKeyFiles(config)
  const { key, generated } = loadEd25519Key(files)
  if (generated) {
    logger
      .child({ component: 'integrity' })
      .info({ path: files.privateKey, key_id: key.keyId }, 'seal_key_generated')
  }
  return key
}

export function trustedSealPublicKey(config: KeyConfig): KeyObject | undefined {
  return trustedEd25519PublicKey(sealKeyFiles(config))
}
