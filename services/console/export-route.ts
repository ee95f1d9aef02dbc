import type { Request, Response, Router } from 'express'
import type { SinkConfig } from '../../schemas/export.js'
import type { ExportSinkStatus } from '../platform/store/export-sink-status.js'
import { locals } from './auth.js'
import { liveView, savedView, sinksOfTenant, type LiveSinkStatus, type SinkView } from './export-status.js'

type Guard = (
  action: string,
  scopes?: Array<'read' | 'admin'>,
) => (req: Request, res: Response, next: () => void) => void

export interface ExportStatusDeps {
  sinks: readonly SinkConfig[]
  unhealthyAfterSeconds: number
  /** The exporter's loops when it runs in this process (`start`); absent in server mode. */
  live?: () => readonly LiveSinkStatus[]
  /** The status the exporter saves in the store, whichever process runs it (`exportStatus`). */
  saved: () => Promise<readonly ExportSinkStatus[]>
}

async function savedViews(deps: ExportStatusDeps, sinks: SinkConfig[], nowMs: number): Promise<SinkView[]> {
  const saved = new Map((await deps.saved()).map((status) => [status.name, status]))
  return sinks.map((sink) => savedView(sink, saved.get(sink.name), deps.unhealthyAfterSeconds * 1000, nowMs))
}

/**
 * `GET /export/sinks`: the export sinks of the token's tenant (those whose `tenants` list it or
 * "*") with their status, lag, last error, last success, throughput and the status's age. Live
 * from the exporter when it runs in this process, else as it last saved them in the store.
 */
export function mountExportStatus(router: Router, guard: Guard, deps: ExportStatusDeps): void {
  router.get('/export/sinks', guard('console.export.sinks'), async (_req, res) => {
    const tenant = locals(res).principal!.tenantId
    const sinks = sinksOfTenant(deps.sinks, tenant)
    const nowMs = Date.now()
    if (deps.live) {
      const statuses = new Map(deps.live().map((status) => [status.name, status]))
      const views = sinks.map((sink) => {
        const status = statuses.get(sink.name)
        return status ? liveView(sink, status, deps.unhealthyAfterSeconds * 1000, nowMs) : undefined
      })
      if (views.every((view) => view !== undefined)) {
        res.json({ tenant, source: 'live', sinks: views })
        return
      }
    }
    res.json({ tenant, source: 'store', sinks: await savedViews(deps, sinks, nowMs) })
  })
}
