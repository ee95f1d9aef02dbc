import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { ManifestSignature } from '../../schemas/report.js'
import { canonicalJson } from './canonical-json.js'

/**
 * An Ed25519 signing key kept the way mcp-audit keeps its keys: the configured PEM when there is
 * one, else a key file in the data dir generated on first use (mode 0600), its public key exported
 * beside it for verifiers. The report signing key and the seal key are both kept this way.
 */
export interface Ed25519Key {
  privateKey: KeyObject
  publicKey: KeyObject
  publicKeyPem: string
  keyId: string
}

export interface KeyFiles {
  /** The config key that may hold the private key, for messages (`integrity.signingKey`). */
  configKey: string
  configured: string | undefined
  privateKey: string
  publicKey: string
}

export class KeyFileError extends Error {
  readonly retryable = false
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'KeyFileError'
  }
}

/** The first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function ed25519KeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16)
}

function fromPrivatePem(pem: string, source: string): Ed25519Key {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch (err) {
    throw new KeyFileError(
      `${source} is not a readable private key (expected PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----"): ${(err as Error).message}`,
      { cause: err },
    )
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KeyFileError(
      `${source} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; an Ed25519 key is needed. Generate one with: openssl genpkey -algorithm ed25519`,
    )
  }
  const publicKey = createPublicKey(privateKey)
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, publicKey, publicKeyPem, keyId: ed25519KeyId(publicKey) }
}

/** The signing key, generated into `files.privateKey` when neither configured nor there yet. */
export function loadEd25519Key(files: KeyFiles): { key: Ed25519Key; generated: boolean } {
  let key: Ed25519Key
  let generated = false
  if (files.configured !== undefined) key = fromPrivatePem(files.configured, files.configKey)
  else if (existsSync(files.privateKey))
    key = fromPrivatePem(readFileSync(files.privateKey, 'utf8'), files.privateKey)
  else {
    const { privateKey } = generateKeyPairSync('ed25519')
    mkdirSync(path.dirname(files.privateKey), { recursive: true })
    writeFileSync(files.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
    key = fromPrivatePem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), files.privateKey)
    generated = true
  }
  mkdirSync(path.dirname(files.publicKey), { recursive: true })
  const current = existsSync(files.publicKey) ? readFileSync(files.publicKey, 'utf8') : ''
  if (current !== key.publicKeyPem) writeFileSync(files.publicKey, key.publicKeyPem)
  return { key, generated }
}

/** A public key file (SPKI PEM, or the private key PEM it belongs to). */
export function readPublicKeyFile(file: string): KeyObject {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new KeyFileError(`cannot read the public key ${file}: ${(err as Error).message}`, { cause: err })
  }
  let key: KeyObject
  try {
    key = createPublicKey(text)
  } catch (err) {
    throw new KeyFileError(
      `${file} is not a readable public key (expected PEM, "-----BEGIN PUBLIC KEY-----"): ${(err as Error).message}`,
      { cause: err },
    )
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyFileError(
      `${file} holds a ${key.asymmetricKeyType ?? 'unknown'} key; an Ed25519 public key is needed`,
    )
  }
  return key
}

/** The public key verifiers trust: the configured key's, else the exported one; undefined when none yet. */
export function trustedEd25519PublicKey(files: KeyFiles): KeyObject | undefined {
  if (files.configured !== undefined) return fromPrivatePem(files.configured, files.configKey).publicKey
  return existsSync(files.publicKey) ? readPublicKeyFile(files.publicKey) : undefined
}

/** Signs VALUE's canonical JSON (keys sorted), as report and export manifests are signed. */
export function signCanonical(value: unknown, key: Ed25519Key): ManifestSignature {
  return {
    algorithm: 'Ed25519',
    key_id: key.keyId,
    public_key: key.publicKeyPem,
    value: sign(null, Buffer.from(canonicalJson(value)), key.privateKey).toString('base64'),
  }
}

/** Whether SIGNATURE is `trusted`'s signature over VALUE's canonical JSON (the embedded key is never trusted). */
export function verifyCanonical(value: unknown, signature: ManifestSignature, trusted: KeyObject): boolean {
  return verify(null, Buffer.from(canonicalJson(value)), trusted, Buffer.from(signature.value, 'base64'))
}

/** The id of the public key a signature carries: a hint for which key to trust, never proof. */
export function embeddedSignatureKeyId(signature: ManifestSignature): string | undefined {
  try {
    return ed25519KeyId(createPublicKey(signature.public_key))
  } catch {
    return undefined
  }
}
