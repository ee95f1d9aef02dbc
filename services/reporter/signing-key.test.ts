import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createLogger } from '../platform/logger.js'
import {
  keyId,
  loadSigningKey,
  readPublicKeyFile,
  signingKeyPaths,
  SigningKeyError,
  trustedPublicKey,
} from './signing-key.js'

const logger = createLogger({ level: 'silent' })
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-signing-key-'))
  dirs.push(dir)
  return dir
}

describe('the trusted report key', () => {
  it('is absent on a machine that never signed a report, and the exported key once one did', () => {
    const config = AppConfig.parse({ dataDir: tempDir() })
    expect(trustedPublicKey(config)).toBeUndefined()

    const signing = loadSigningKey(config, logger)
    const paths = signingKeyPaths(config)
    expect(statSync(paths.privateKey).mode & 0o777).toBe(0o600)
    const trusted = trustedPublicKey(config)
    expect(trusted?.source).toBe(paths.publicKey)
    expect(keyId(trusted!.key)).toBe(signing.keyId)
  })

  it('prefers reporter.signingKey over a key exported in the data dir', () => {
    const dataDir = tempDir()
    loadSigningKey(AppConfig.parse({ dataDir }), logger)
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const config = AppConfig.parse({
      dataDir,
      reporter: { signingKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    })
    const trusted = trustedPublicKey(config)
    expect(trusted?.source).toBe('reporter.signingKey')
    expect(keyId(trusted!.key)).toBe(keyId(publicKey))
  })

  it('reads a --public-key file and says what is wrong with a missing, unreadable or non-Ed25519 one', () => {
    const dir = tempDir()
    const good = path.join(dir, 'signer.pub.pem')
    const { publicKey } = generateKeyPairSync('ed25519')
    writeFileSync(good, publicKey.export({ type: 'spki', format: 'pem' }))
    expect(keyId(readPublicKeyFile(good).key)).toBe(keyId(publicKey))

    const missing = path.join(dir, 'nope.pem')
    expect(() => readPublicKeyFile(missing)).toThrow(SigningKeyError)
    expect(() => readPublicKeyFile(missing)).toThrow(`cannot read the public key ${missing}`)

    const garbage = path.join(dir, 'garbage.pem')
    writeFileSync(garbage, 'not a key\n')
    expect(() => readPublicKeyFile(garbage)).toThrow(`${garbage} is not a readable public key`)

    const rsa = path.join(dir, 'rsa.pub.pem')
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey
    writeFileSync(rsa, rsaKey.export({ type: 'spki', format: 'pem' }))
    expect(() => readPublicKeyFile(rsa)).toThrow(`${rsa} holds a rsa key`)
  })
})
