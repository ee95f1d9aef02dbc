import path from 'node:path'
import type { AppConfig } from '../../schemas/config.js'
import type { KeyFiles } from './ed25519-key.js'

/**
 * Where the report signing key lives: `reporter.signingKey` when configured, else a key kept under
 * `<dataDir>/reports/`. Reports and the S3 export's manifests are signed with this one key, so an
 * auditor trusts one public key for both.
 */
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

export function reportKeyFiles(config: Pick<AppConfig, 'dataDir' | 'reporter'>): KeyFiles {
  return {
    configKey: 'reporter.signingKey',
    configured: config.reporter.signingKey,
    ...signingKeyPaths(config),
  }
}
