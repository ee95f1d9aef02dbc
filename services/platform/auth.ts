import { createHash, timingSafeEqual } from 'node:crypto'
import type { TenantConfig, TokenScope } from '../../schemas/config.js'

/** Who called: the token's tenant, its name in the config, and what it may do. */
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
 * how close a guess was. Each token belongs to exactly one tenant. The collector and the console
 * both authenticate here, then `authorize` the scope their endpoint needs.
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

  /** An `Authorization` header → the token's tenant and scope, or 401 (missing or unknown token). */
  authenticate(authorization: string | undefined): AuthResult {
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
    return {
      ok: true,
      principal: { tenantId: found.tenantId, tokenName: found.tokenName, scope: found.scope },
    }
  }
}

/** 403 unless the principal's scope is one the endpoint accepts; the message names both. */
export function authorize(principal: Principal, allowed: readonly TokenScope[]): AuthResult {
  if (allowed.includes(principal.scope)) return { ok: true, principal }
  return {
    ok: false,
    status: 403,
    message: `token "${principal.tokenName}" has scope ${principal.scope}; this endpoint needs ${allowed.join(' or ')}`,
  }
}
