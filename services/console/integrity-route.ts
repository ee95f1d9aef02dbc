import type { KeyObject } from 'node:crypto'
import type { Request, Response, Router } from 'express'
import { verifyStore } from '../integrity/index.js'
import type { Store } from '../platform/clickhouse.js'
import { locals } from './auth.js'
import { IntegrityQuery, issues } from './params.js'

type Guard = (
  action: string,
  scopes?: Array<'read' | 'admin'>,
) => (req: Request, res: Response, next: () => void) => void

export interface IntegrityDeps {
  /** The trusted seal public key (configured or exported); undefined until the first seal key exists. */
  publicKey: () => KeyObject | undefined
  sealIntervalSeconds: number
}

/**
 * `GET /integrity?from&to`: `verify-store` for the token's tenant. One verification runs at a time
 * per console (it reads every row of the range); another request meanwhile gets 429.
 */
export function mountIntegrity(
  router: Router,
  guard: Guard,
  store: Store,
  deps: IntegrityDeps | undefined,
): void {
  let running = false
  router.get('/integrity', guard('console.integrity.get'), async (req, res) => {
    const parsed = IntegrityQuery.safeParse(req.query)
    if (!parsed.success) {
      res.status(400).json({ error: issues(parsed.error) })
      return
    }
    const publicKey = deps?.publicKey()
    if (!deps || !publicKey) {
      res
        .status(503)
        .json({ error: 'no seal public key yet: the normalizer creates one when it first starts' })
      return
    }
    if (running) {
      res
        .status(429)
        .set('Retry-After', '10')
        .json({ error: 'a verification is already running; try again shortly' })
      return
    }
    running = true
    try {
      const tenant = locals(res).principal!.tenantId
      const { from, to } = parsed.data
      const result = await verifyStore(store, {
        tenantId: tenant,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        publicKey,
        sealIntervalSeconds: deps.sealIntervalSeconds,
      })
      res.json({ tenant, ...result })
    } finally {
      running = false
    }
  })
}
