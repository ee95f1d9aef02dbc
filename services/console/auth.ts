import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { TokenScope } from '../../schemas/config.js'
import { authorize, type Principal, type TokenAuthenticator } from '../platform/auth.js'
import type { Logger } from '../platform/logger.js'
import type { SelfAudit } from '../platform/self-audit.js'

/** What a handler knows about the caller once authenticated. */
export interface ConsoleLocals {
  principal?: Principal
  /** Dotted self-audit action of the route, such as `console.events.list`. */
  action?: string
  /** Extra, non-sensitive details for the self-audit entry. */
  auditDetails?: Record<string, unknown>
}

export function locals(res: Response): ConsoleLocals {
  return res.locals as ConsoleLocals
}

/**
 * Bearer authentication with read or admin tokens (platform/auth.ts, as the collector's), and a
 * self-audit entry for every call once the answer is sent: who, what, outcome, from where and how
 * long. A call without a known token belongs to no tenant; it is logged only.
 */
export function requireToken(
  auth: TokenAuthenticator,
  action: string,
  scopes: readonly TokenScope[],
  selfAudit: SelfAudit,
  logger: Logger,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now()
    const state = locals(res)
    state.action = action
    res.once('finish', () => {
      const principal = state.principal
      if (!principal) {
        logger.warn({ action, status: res.statusCode, ip: req.ip }, 'console_unauthenticated_call')
        return
      }
      selfAudit.record({
        tenantId: principal.tenantId,
        action,
        actor: principal.tokenName,
        actorRole: principal.scope,
        outcome: res.statusCode < 400 ? 'success' : res.statusCode === 403 ? 'denied' : 'error',
        resource: req.originalUrl.split('?')[0]!,
        ...(req.ip ? { sourceIp: req.ip } : {}),
        ...(req.get('user-agent') ? { userAgent: req.get('user-agent')! } : {}),
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        details: { method: req.method, status: res.statusCode, query: req.query, ...state.auditDetails },
      })
    })

    const caller = auth.authenticate(req.get('authorization'))
    if (!caller.ok) {
      res.status(caller.status).json({ error: caller.message })
      return
    }
    // Any known token identifies its tenant, so a call with the wrong scope is audited as denied.
    state.principal = caller.principal
    const allowed = authorize(caller.principal, scopes)
    if (!allowed.ok) {
      res.status(allowed.status).json({ error: allowed.message })
      return
    }
    next()
  }
}
