import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TenantConfig } from '../../schemas/config.js'
import { TokenAuthenticator } from '../platform/auth.js'
import { createLogger } from '../platform/logger.js'
import type { SelfAudit, SelfAuditEntry } from '../platform/self-audit.js'
import { locals, requireToken } from './auth.js'

const TOKENS = {
  reader: 'read-token-0123456789',
  admin: 'admin-token-0123456789',
  ingest: 'ingest-token-0123456789',
}

const auth = new TokenAuthenticator([
  TenantConfig.parse({
    id: 'acme',
    tokens: [
      { name: 'reader', scope: 'read', value: TOKENS.reader },
      { name: 'ops', scope: 'admin', value: TOKENS.admin },
      { name: 'gateway', scope: 'ingest', value: TOKENS.ingest },
    ],
  }),
])

const recorded: SelfAuditEntry[] = []
const selfAudit: SelfAudit = {
  record: (entry) => recorded.push(entry),
  flush: () => Promise.resolve(),
  stop: () => Promise.resolve(),
}

let server: ReturnType<express.Express['listen']>
let base: string

beforeAll(async () => {
  const app = express()
  const logger = createLogger({ level: 'silent' })
  app.get('/read', requireToken(auth, 'test.read', ['read', 'admin'], selfAudit, logger), (_req, res) => {
    locals(res).auditDetails = { extra: 'detail' }
    res.json({ tenant: locals(res).principal?.tenantId })
  })
  app.get('/admin', requireToken(auth, 'test.admin', ['admin'], selfAudit, logger), (_req, res) => {
    res.json({ ok: true })
  })
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  recorded.length = 0
})

/** The answer, once the self-audit entry (written on `finish`) had its chance to be recorded. */
async function call(path: string, token?: string) {
  const response = await fetch(`${base}${path}`, {
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'User-Agent': 'auth-test/1.0' },
  })
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, body }
}

describe('requireToken', () => {
  it('lets a token with an allowed scope through and audits the call as a success', async () => {
    expect(await call('/read?limit=5', TOKENS.reader)).toEqual({ status: 200, body: { tenant: 'acme' } })
    expect(recorded).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        action: 'test.read',
        actor: 'reader',
        actorRole: 'read',
        outcome: 'success',
        resource: '/read',
        userAgent: 'auth-test/1.0',
        details: { method: 'GET', status: 200, query: { limit: '5' }, extra: 'detail' },
      }),
    ])
    expect(recorded[0]!.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('refuses a known token without the scope with 403 and audits it as denied in its tenant', async () => {
    const { status, body } = await call('/admin', TOKENS.reader)
    expect(status).toBe(403)
    expect(body.error).toBe('token "reader" has scope read; this endpoint needs admin')
    expect(recorded).toEqual([
      expect.objectContaining({ tenantId: 'acme', actor: 'reader', action: 'test.admin', outcome: 'denied' }),
    ])
  })

  it('refuses ingest tokens on the console', async () => {
    expect((await call('/read', TOKENS.ingest)).status).toBe(403)
    expect(recorded.map((entry) => [entry.actor, entry.outcome])).toEqual([['gateway', 'denied']])
  })

  it('answers 401 to a missing or unknown token and writes no tenant audit entry', async () => {
    const missing = await call('/read')
    expect(missing.status).toBe(401)
    expect(missing.body.error).toMatch(/missing bearer token/)
    const unknown = await call('/read', 'not-a-token-0123456789')
    expect(unknown).toEqual({ status: 401, body: { error: 'unknown token' } })
    expect(recorded).toEqual([])
  })

  it('lets an admin token through on admin routes', async () => {
    expect((await call('/admin', TOKENS.admin)).status).toBe(200)
    expect(recorded.map((entry) => [entry.actor, entry.actorRole, entry.outcome])).toEqual([
      ['ops', 'admin', 'success'],
    ])
  })
})
