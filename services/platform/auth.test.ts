import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TenantConfig } from '../../schemas/config.js'
import { TokenAuthenticator } from './auth.js'

const sha = (value: string) => createHash('sha256').update(value).digest('hex')
const auth = new TokenAuthenticator([
  TenantConfig.parse({
    id: 'acme',
    tokens: [{ name: 'gw', scope: 'ingest', sha256: sha('acme-token-xxxxxxxx') }],
  }),
  TenantConfig.parse({ id: 'beta', tokens: [{ name: 'ro', scope: 'read', value: 'beta-read-token-xxxx' }] }),
])

describe('TokenAuthenticator', () => {
  it('binds each token to its tenant and scope', () => {
    expect(auth.authenticate('Bearer acme-token-xxxxxxxx', ['ingest'])).toEqual({
      ok: true,
      principal: { tenantId: 'acme', tokenName: 'gw', scope: 'ingest' },
    })
  })

  it('answers 401 for a missing, malformed or unknown token and 403 for the wrong scope', () => {
    expect(auth.authenticate(undefined, ['ingest'])).toMatchObject({ ok: false, status: 401 })
    expect(auth.authenticate('Basic dXNlcjpwYXNz', ['ingest'])).toMatchObject({ ok: false, status: 401 })
    expect(auth.authenticate('Bearer acme-token-xxxxxxxy', ['ingest'])).toMatchObject({
      ok: false,
      status: 401,
    })
    expect(auth.authenticate('Bearer beta-read-token-xxxx', ['ingest'])).toMatchObject({
      ok: false,
      status: 403,
      message: expect.stringContaining('scope read') as string,
    })
  })
})
