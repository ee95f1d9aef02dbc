import type { Request, Response, Router } from 'express'
import type { SinkConfig } from '../../schemas/export.js'
import { locals } from './auth.js'
import {
  liveView,
  sinksOfTenant,
  storedView,
  type LiveSinkStatus,
  type SinkView,
  type StoredCheckpoint,
} from './export-status.js'

type Guard = (
  action: string,
  scopes?: Array<'read' | 'admin'>,
) => (req: Request, res: Response, next: () => void) => void

export interface ExportStatusDeps {
  sinks: readonly SinkConfig[]
  unhealthyAfterSeconds: number
  /** The exporter's loops when it runs in this process (`start`); absent in server mode. */
  live?: () => readonly LiveSinkStatus[]
  /** The sinks' checkpoints in the store. */
  checkpoints: (sinks: string[]) => Promise<Map<string, StoredCheckpoint>>
  /** The normalizer's committed offsets (the stored stream's end); absent without Kafka. */
  committed?: () => Promise<ReadonlyMap<number, number>>
}

async function storedViews(deps: ExportStatusDeps, sinks: SinkConfig[], nowMs: number): Promise<SinkView[]> {
  const unhealthyAfterMs = deps.unhealthyAfterSeconds * 1000
  const [checkpoints, committed] = await Promise.all([
    deps.checkpoints(sinks.map((sink) => sink.name)),
    // Without the committed offsets the lag is unknown; the rest of the answer still holds.
    deps.committed?.().catch(() => undefined),
  ])
  return sinks.map((sink) => storedView(sink, checkpoints.get(sink.name), committed, unhealthyAfterMs, nowMs))
}

/**
 * `GET /export/sinks`: the export sinks of the token's tenant (those whose `tenants` list it or
 * "*") with their status, lag, last error, last success and throughput. Live from the exporter
 * when it runs in this process, else from the store (see export-status.ts for what each has).
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
    res.json({ tenant, source: 'store', sinks: await storedViews(deps, sinks, nowMs) })
  })
}
