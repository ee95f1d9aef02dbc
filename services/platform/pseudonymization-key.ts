import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '../../schemas/config.js'
import { ConfigError } from './config.js'

/**
 * The HMAC key for user pseudonyms. Configured in production (a changed key changes every pseudonym,
 * so keep it stable and secret); for the all-in-one dev setup it is generated once and kept in
 * `<dataDir>/pseudonymization.key` (mode 0600).
 */
export function resolvePseudonymizationKey(config: AppConfig, options: { allowGenerated: boolean }): string {
  if (config.pseudonymization.key) return config.pseudonymization.key
  if (!options.allowGenerated) {
    throw new ConfigError(
      'pseudonymization.key is required to run the normalizer on its own: set MCP_AUDIT_PSEUDONYMIZATION_KEY to 32 random bytes (e.g. `openssl rand -base64 32`) and keep it stable',
      'pseudonymization.key',
    )
  }
  mkdirSync(config.dataDir, { recursive: true })
  const file = path.join(config.dataDir, 'pseudonymization.key')
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
  return readFileSync(file, 'utf8').trim()
}
