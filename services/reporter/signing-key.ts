import type { KeyObject } from 'node:crypto'
import type { AppConfig } from '../../schemas/config.js'
import {
  ed25519KeyId,
  KeyFileError,
  loadEd25519Key,
  readPublicKeyFile as readEd25519PublicKey,
  trustedEd25519PublicKey,
} from '../platform/ed25519-key.js'
import type { Logger } from '../platform/logger.js'
import { reportKeyFiles as keyFiles, reportsRoot, signingKeyPaths } from '../platform/report-signing-key.js'
import type { SigningKey } from './types.js'

export { ed25519KeyId as keyId, KeyFileError as SigningKeyError, reportsRoot, signingKeyPaths }

/**
 * The manifest signing key: `reporter.signingKey` when configured, else the key kept in the data
 * dir, generated (mode 0600) on first use. The public key is written beside it for verifiers.
 */
export function loadSigningKey(config: Pick<AppConfig, 'dataDir' | 'reporter'>, logger: Logger): SigningKey {
  const files = keyFiles(config)
  const { key, generated } = loadEd25519Key(files)
  if (generated) {
    logger
      .child({ component: 'reporter' })
      .info({ path: files.privateKey, key_id: key.keyId }, 'report_signing_key_generated')
  }
  return key
}

export interface TrustedKey {
  key: KeyObject
  /** Where the key came from, for messages: a file path or `reporter.signingKey`. */
  source: string
}

/**
 * A public key an operator hands to `report verify --public-key`: an Ed25519 public key in PEM (the
 * exported `signing-key.pub.pem`), or a private key, whose public half is taken.
 */
export function readPublicKeyFile(file: string): TrustedKey {
  return { key: readEd25519PublicKey(file), source: file }
}

/**
 * The public key verifiers trust without being told: the configured key's, else the one exported
 * in the data dir; undefined when there is neither (a copy verified on another machine).
 */
export function trustedPublicKey(config: Pick<AppConfig, 'dataDir' | 'reporter'>): TrustedKey | undefined {
  const files = keyFiles(config)
  const key = trustedEd25519PublicKey(files)
  if (!key) return undefined
  return { key, source: files.configured !== undefined ? files.configKey : files.publicKey }
}
