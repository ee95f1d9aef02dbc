import { createHash, timingSafeEqual } from 'node:crypto'
import type { TenantConfig, TokenScope } from '../../schemas/config.js'

export interface Principal {
  tenantId: string
  tokenName: string
  scope: TokenScope
}

interface KnownToken extends Principal {
  digest: Buffer
}

export type AuthResult =
  { ok: true; principal: Principal } | { ok: false; status: 401 | 403; message: string }

/**
 * Bearer tokens from the tenants' config, kept only as SHA-256 digests. A presented token is hashed
 * and compared with every known digest in constant time, so neither timing nor an early exit tells
 * how close a guess was. Each token belongs to exactly one tenant.
 */
export class TokenAuthenticator {
  private readonly tokens: KnownToken[]

  constructor(tenants: readonly TenantConfig[]) {
    this.tokens = tenants.flatMap((tenant) =>
      tenant.tokens.map((token) => ({
        tenantId: tenant.id,
        tokenName: token.name,
        scope: token.scope,
        digest: token.sha256
          ? Buffer.from(token.sha256, 'hex')
          : createHash('sha256').update(token.value!).digest(),
      })),
    )
  }

  authenticate(authorization: string | undefined, allowed: readonly TokenScope[]): AuthResult {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
    if (!match) {
      return { ok: false, status: 401, message: 'missing bearer token: send Authorization: Bearer <token>' }
    }
    const digest = createHash('sha256').update(match[1]!).digest()
    let found: KnownToken | undefined
    for (const token of this.tokens) {
      if (timingSafeEqual(token.digest, digest) && !found) found = token
    }
    if (!found) return { ok: false, status: 401, message: 'unknown token' }
    if (!allowed.includes(found.scope)) {
      return {
        ok: false,
        status: 403,
        message: `token "${found.tokenName}" has scope ${found.scope}; this endpoint needs ${allowed.join(' or ')}`,
      }
    }
    return {
      ok: true,
      principal: { tenantId: found.tenantId, tokenName: found.tokenName, scope: found.scope },
    }
  }
}
