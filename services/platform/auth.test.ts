import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TenantConfig, type TokenScope } from '../../schemas/config.js'
import { authorize, TokenAuthenticator } from './auth.js'

const sha = (value: string) => createHash('sha256').update(value).digest('hex')
const auth = new TokenAuthenticator([
  TenantConfig.parse({
    id: 'acme',
    tokens: [{ name: 'gw', scope: 'ingest', sha256: sha('acme-token-xxxxxxxx') }],
  }),
  TenantConfig.parse({ id: 'beta', tokens: [{ name: 'ro', scope: 'read', value: 'beta-read-token-xxxx' }] }),
])

/** What an endpoint accepting `allowed` answers: authenticate, then authorize. */
const check = (authorization: string | undefined, allowed: readonly TokenScope[]) => {
  const result = auth.authenticate(authorization)
  return result.ok ? authorize(result.principal, allowed) : result
}

describe('TokenAuthenticator', () => {
  it('binds each token to its tenant and scope', () => {
    expect(check('Bearer acme-token-xxxxxxxx', ['ingest'])).toEqual({
      ok: true,
      principal: { tenantId: 'acme', tokenName: 'gw', scope: 'ingest' },
    })
  })

  it('answers 401 for a missing, malformed or unknown token and 403 for the wrong scope', () => {
    expect(check(undefined, ['ingest'])).toMatchObject({ ok: false, status: 401 })
    expect(check('Basic dXNlcjpwYXNz', ['ingest'])).toMatchObject({ ok: false, status: 401 })
    expect(check('Bearer acme-token-xxxxxxxy', ['ingest'])).toMatchObject({
      ok: false,
      status: 401,
    })
    expect(check('Bearer beta-read-token-xxxx', ['ingest'])).toMatchObject({
      ok: false,
      status: 403,
      message: expect.stringContaining('scope read') as string,
    })
  })

  it('authenticates any known token whatever its scope; authorize alone decides the scope', () => {
    const result = auth.authenticate('Bearer beta-read-token-xxxx')
    expect(result).toEqual({ ok: true, principal: { tenantId: 'beta', tokenName: 'ro', scope: 'read' } })
    if (!result.ok) return
    expect(authorize(result.principal, ['read', 'admin'])).toEqual(result)
    expect(authorize(result.principal, ['admin'])).toEqual({
      ok: false,
      status: 403,
      message: 'token "ro" has scope read; this endpoint needs admin',
    })
  })
})
