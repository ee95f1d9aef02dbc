import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '../../schemas/config.js'
import type { Logger } from '../platform/logger.js'
import type { SigningKey } from './types.js'

/** Where reports, the generated signing key and its exported public key live. */
export function reportsRoot(config: Pick<AppConfig, 'dataDir'>): string {
  return path.resolve(config.dataDir, 'reports')
}

export function signingKeyPaths(config: Pick<AppConfig, 'dataDir'>): {
  privateKey: string
  publicKey: string
} {
  const root = reportsRoot(config)
  return { privateKey: path.join(root, 'signing-key.pem'), publicKey: path.join(root, 'signing-key.pub.pem') }
}

export class SigningKeyError extends Error {
  readonly retryable = false
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SigningKeyError'
  }
}

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 16)
}

function fromPrivateKey(privateKey: KeyObject, source: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      `${source} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; report manifests are signed with Ed25519. ` +
        'Generate one with: openssl genpkey -algorithm ed25519',
    )
  }
  const publicKey = createPublicKey(privateKey)
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, publicKey, publicKeyPem, keyId: keyId(publicKey) }
}

function parsePrivateKey(pem: string, source: string): SigningKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch (err) {
    throw new SigningKeyError(
      `${source} is not a readable private key (expected PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----"): ${(err as Error).message}`,
      { cause: err },
    )
  }
  return fromPrivateKey(privateKey, source)
}

/**
 * The manifest signing key: `reporter.signingKey` when configured, else the key kept in the data
 * dir, generated (mode 0600) on first use. The public key is written beside it for verifiers.
 */
export function loadSigningKey(config: Pick<AppConfig, 'dataDir' | 'reporter'>, logger: Logger): SigningKey {
  const log = logger.child({ component: 'reporter' })
  const paths = signingKeyPaths(config)
  let key: SigningKey
  if (config.reporter.signingKey !== undefined) {
    key = parsePrivateKey(config.reporter.signingKey, 'reporter.signingKey')
  } else if (existsSync(paths.privateKey)) {
    key = parsePrivateKey(readFileSync(paths.privateKey, 'utf8'), paths.privateKey)
  } else {
    const { privateKey } = generateKeyPairSync('ed25519')
    mkdirSync(path.dirname(paths.privateKey), { recursive: true })
    writeFileSync(paths.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
    key = fromPrivateKey(privateKey, paths.privateKey)
    log.info({ path: paths.privateKey, key_id: key.keyId }, 'report_signing_key_generated')
  }
  mkdirSync(path.dirname(paths.publicKey), { recursive: true })
  const current = existsSync(paths.publicKey) ? readFileSync(paths.publicKey, 'utf8') : ''
  if (current !== key.publicKeyPem) writeFileSync(paths.publicKey, key.publicKeyPem)
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
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (err) {
    throw new SigningKeyError(`cannot read the public key ${file}: ${(err as Error).message}`, { cause: err })
  }
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch (err) {
    throw new SigningKeyError(
      `${file} is not a readable public key (expected PEM, "-----BEGIN PUBLIC KEY-----", such as <dataDir>/reports/signing-key.pub.pem): ${(err as Error).message}`,
      { cause: err },
    )
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      `${file} holds a ${key.asymmetricKeyType ?? 'unknown'} key; report manifests are signed with Ed25519, give the installation's signing-key.pub.pem`,
    )
  }
  return { key, source: file }
}

/**
 * The public key verifiers trust without being told: the configured key's, else the one exported
 * in the data dir; undefined when there is neither (a copy verified on another machine).
 */
export function trustedPublicKey(config: Pick<AppConfig, 'dataDir' | 'reporter'>): TrustedKey | undefined {
  if (config.reporter.signingKey !== undefined) {
    return {
      key: parsePrivateKey(config.reporter.signingKey, 'reporter.signingKey').publicKey,
      source: 'reporter.signingKey',
    }
  }
  const { publicKey } = signingKeyPaths(config)
  return existsSync(publicKey) ? readPublicKeyFile(publicKey) : undefined
}
