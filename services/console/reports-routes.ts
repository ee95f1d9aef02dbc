import type { Request, Response, Router } from 'express'
import { z } from 'zod'
import {
  REPORT_FORMATS,
  ReportLimitError,
  type ReportFileKind,
  type ReportRecord,
  type Reports,
} from '../reporter/index.js'
import { Locale } from '../../schemas/locale.js'
import { locals } from './auth.js'
import { issues } from './params.js'

const FILE_KINDS: readonly ReportFileKind[] = ['pdf', 'html', 'csv', 'json', 'manifest']

const GenerateBody = z
  .object({
    from: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    to: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    formats: z.array(z.enum(REPORT_FORMATS as [string, ...string[]])).optional(),
    name: z.string().trim().min(1).max(120).optional(),
    locale: Locale.optional(),
  })
  .refine((body) => body.from.getTime() < body.to.getTime(), { message: 'from must be before to' })

/** How many reports of a listing get their signature and hashes checked. */
const VERIFY_IN_LIST = 20

type Guard = (
  action: string,
  scopes?: Array<'read' | 'admin'>,
) => (req: Request, res: Response, next: () => void) => void

/**
 * `GET/POST /reports`, `GET /reports/:id` and `GET /reports/:id/{pdf,html,csv,json,manifest}`. Files
 * are sent as attachments (and sandboxed), so a report's HTML never runs on the console's origin.
 * `POST /reports` answers 409 while another report of the tenant is being generated and 429 past
 * `reporter.maxPerHour`, both with Retry-After.
 */
export function mountReports(router: Router, guard: Guard, reports: Reports | undefined): void {
  const unavailable = (res: Response): boolean => {
    if (reports) return false
    res
      .status(503)
      .json({ error: 'reports are not available in this process: run the reporter with the console' })
    return true
  }
  const withVerification = async (tenantId: string, record: ReportRecord) => {
    if (record.status !== 'ready') return { ...record, verification: null }
    return { ...record, verification: await reports!.verify(tenantId, record.report_id) }
  }

  router.get('/reports', guard('console.reports.list'), async (_req, res) => {
    if (unavailable(res)) return
    const tenantId = locals(res).principal!.tenantId
    const records = await reports!.list(tenantId, { limit: 100 })
    const listed = await Promise.all(
      records.map(async (record, index) =>
        index < VERIFY_IN_LIST ? withVerification(tenantId, record) : { ...record, verification: null },
      ),
    )
    res.json({ reports: listed })
  })

  router.post('/reports', guard('console.reports.generate'), async (req, res) => {
    if (unavailable(res)) return
    const parsed = GenerateBody.safeParse(req.body ?? {})
    if (!parsed.success) {
      res.status(400).json({ error: issues(parsed.error) })
      return
    }
    const { principal } = locals(res)
    locals(res).auditDetails = { from: parsed.data.from.toISOString(), to: parsed.data.to.toISOString() }
    let record: ReportRecord
    try {
      record = await reports!.generate({
        tenantId: principal!.tenantId,
        from: parsed.data.from,
        to: parsed.data.to,
        ...(parsed.data.formats ? { formats: parsed.data.formats as ReportRecord['formats'] } : {}),
        ...(parsed.data.name ? { name: parsed.data.name } : {}),
        ...(parsed.data.locale ? { locale: parsed.data.locale } : {}),
        requestedBy: principal!.tokenName,
        requestedByRole: principal!.scope,
        requestedVia: 'api',
      })
    } catch (err) {
      if (!(err instanceof ReportLimitError)) throw err
      res.setHeader('Retry-After', String(err.retryAfterSeconds))
      res.status(err.kind === 'busy' ? 409 : 429).json({ error: err.message })
      return
    }
    res.status(201).json(await withVerification(principal!.tenantId, record))
  })

  router.get('/reports/:id', guard('console.reports.get'), async (req, res) => {
    if (unavailable(res)) return
    const tenantId = locals(res).principal!.tenantId
    const record = await reports!.get(tenantId, String(req.params.id))
    if (!record) {
      res.status(404).json({ error: `no report ${String(req.params.id)} in this tenant` })
      return
    }
    res.json(await withVerification(tenantId, record))
  })

  router.get('/reports/:id/:kind', guard('console.reports.download'), async (req, res) => {
    if (unavailable(res)) return
    const kind = String(req.params.kind) as ReportFileKind
    if (!FILE_KINDS.includes(kind)) {
      res.status(404).json({ error: `unknown file kind "${kind}": use one of ${FILE_KINDS.join(', ')}` })
      return
    }
    const { principal } = locals(res)
    const name = typeof req.query.name === 'string' ? req.query.name : undefined
    const location = await reports!.file(principal!.tenantId, String(req.params.id), kind, name, {
      name: principal!.tokenName,
      role: principal!.scope,
      ...(req.ip ? { sourceIp: req.ip } : {}),
    })
    if (!location) {
      res.status(404).json({ error: `report ${String(req.params.id)} has no ${kind} file in this tenant` })
      return
    }
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'")
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.attachment(location.downloadName)
    res.type(location.contentType)
    res.sendFile(location.path)
  })
}
