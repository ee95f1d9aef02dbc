import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { TenantConfig, type AppConfig } from '../../schemas/config.js'

export interface DevTenant {
  tenantId: string
  ingestToken: string
  adminToken: string
}

interface StoredTokens {
  ingest: string
  admin: string
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/**
 * With no tenants configured, `start` runs one tenant, `default`, whose ingest and admin tokens are
 * generated once and kept in `<dataDir>/dev-tokens.json` (mode 0600) so gateways keep working
 * across restarts. Only the hashes enter the running config.
 */
export function withDevTenant(config: AppConfig): { config: AppConfig; devTenant?: DevTenant } {
  if (config.tenants.length > 0) return { config }
  mkdirSync(config.dataDir, { recursive: true })
  const file = path.join(config.dataDir, 'dev-tokens.json')
  let tokens: StoredTokens
  if (existsSync(file)) {
    tokens = JSON.parse(readFileSync(file, 'utf8')) as StoredTokens
  } else {
    tokens = {
      ingest: `mcpa_dev_${randomBytes(24).toString('base64url')}`,
      admin: `mcpa_adm_${randomBytes(24).toString('base64url')}`,
    }
    writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 })
  }
  // Parsed like a configured tenant, so it gets the same defaults (retention, time zone).
  const tenant = TenantConfig.parse({
    id: 'default',
    tokens: [
      { name: 'dev-ingest', scope: 'ingest', sha256: sha256Hex(tokens.ingest) },
      { name: 'dev-admin', scope: 'admin', sha256: sha256Hex(tokens.admin) },
    ],
  })
  return {
    config: { ...config, tenants: [tenant] },
    devTenant: { tenantId: 'default', ingestToken: tokens.ingest, adminToken: tokens.admin },
  }
}
