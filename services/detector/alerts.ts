import type { Alert, AlertRow } from '../../schemas/alert.js'
import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import {
  alertsTable,
  findAlerts,
  findAlertTriages,
  type AlertRef,
  type AlertTriage,
} from '../platform/store/alerts.js'
import {
  incidentIds,
  incidentRow,
  mergeCandidates,
  type AlertCandidate,
  type IncidentIds,
} from './incidents.js'

export function toAlert(row: AlertRow, consoleUrl: string): Alert {
  return {
    alert_id: row.alert_id,
    tenant_id: row.tenant_id,
    rule: {
      id: row.rule_id,
      title: row.rule_title,
      severity: row.severity as Alert['rule']['severity'],
      tags: row.tags,
      kind: row.rule_kind as Alert['rule']['kind'],
    },
    group: row.group_values,
    count: row.count,
    value: row.value,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    sample_event_ids: row.sample_event_ids,
    summary: row.summary,
    status: row.status,
    created_at: row.created_at,
    url: `${consoleUrl.replace(/\/$/, '')}/#/alerts/${row.alert_id}`,
  }
}

export interface AlertStoreOptions {
  store: Store
  logger: Logger
  consoleUrl: string
  /** Called once per new incident (not for updates within its suppression window). */
  onNewAlert: (alert: Alert) => Promise<void>
}

export interface AlertStore {
  record: (candidates: readonly AlertCandidate[]) => Promise<number>
}

const MAX_CACHED_INCIDENTS = 50_000

/**
 * Turns candidates into incidents in the `alerts` table: a new incident is inserted and announced;
 * a candidate for an open incident (same id) raises its count, moves last_seen and adds samples
 * (incidents.ts). Each change is a new row version (ReplacingMergeTree on updated_at, see
 * nextVersion). A call reads the store at most three times whatever its size (the incidents it may
 * touch that are not cached, in two steps, and the triage of the cached ones it updates), then
 * inserts once.
 */
export function createAlertStore(options: AlertStoreOptions): AlertStore {
  const { store, logger } = options
  const table = alertsTable(store)
  const cache = new Map<string, AlertRow>()
  const samplesSeen = new Map<string, Set<string>>()

  /** Reads the incidents not cached, caches those that exist and returns their ids. */
  async function read(refs: ReadonlyMap<string, AlertRef>): Promise<ReadonlySet<string>> {
    if (refs.size === 0) return new Set()
    const found = await findAlerts(store, [...refs.values()])
    for (const [id, row] of found) cache.set(id, row)
    return new Set(found.keys())
  }

  /**
   * Reads what the candidates may touch and is not cached: their own incidents, then the previous
   * bucket's incident of those whose own one does not exist (the only ones that may join it).
   * Returns the ids read now. A live stream mostly finds its incidents cached and reads nothing here.
   */
  async function loadUncached(
    candidates: readonly AlertCandidate[],
    ids: readonly IncidentIds[],
  ): Promise<ReadonlySet<string>> {
    const uncached = (pick: (candidateIds: IncidentIds) => string | undefined) => {
      const refs = new Map<string, AlertRef>()
      for (const [index, candidate] of candidates.entries()) {
        const alertId = pick(ids[index]!)
        if (alertId !== undefined && !cache.has(alertId))
          refs.set(alertId, { tenantId: candidate.tenantId, alertId })
      }
      return refs
    }
    const own = await read(uncached((candidateIds) => candidateIds.id))
    const previous = await read(
      uncached((candidateIds) => (cache.has(candidateIds.id) ? undefined : candidateIds.previousId)),
    )
    return new Set([...own, ...previous])
  }

  // One record() at a time: the stream and the scheduler may report the same incident together.
  let queue: Promise<unknown> = Promise.resolve()

  async function recordNow(candidates: readonly AlertCandidate[]): Promise<number> {
    // Nothing of this call reaches the caches until its rows are stored and announced: a call that
    // fails is retried whole (the writer retries its afterInsert) and must find nothing half-done.
    // (Rows read from the store are the store's, not this call's: they may be cached at once.)
    const ids = incidentIds(candidates)
    const readNow = await loadUncached(candidates, ids)
    const now = new Date()
    const { drafts, seen } = mergeCandidates(
      candidates,
      ids,
      { known: (id) => cache.get(id), seenBefore: (id) => samplesSeen.get(id) },
      now,
    )
    if (drafts.size === 0) return 0
    // An analyst may have acknowledged or resolved an incident since it was cached; one read just
    // now is current.
    const cachedBases: AlertRef[] = []
    for (const [alertId, draft] of drafts) {
      if (draft.base && !readNow.has(alertId)) cachedBases.push({ tenantId: draft.base.tenant_id, alertId })
    }
    const triage =
      cachedBases.length > 0 ? await findAlertTriages(store, cachedBases) : new Map<string, AlertTriage>()
    const rows = [...drafts].map(([alertId, draft]) => incidentRow(draft, triage.get(alertId), now))
    const fresh = rows.filter((row) => !drafts.get(row.alert_id)!.base)
    // Announced before stored: the outbox skips a delivery it already holds, so a retry after a
    // failed insert announces once, and a stored alert is never left unannounced.
    for (const row of fresh) await options.onNewAlert(toAlert(row, options.consoleUrl))
    await table.insert(rows)
    for (const row of fresh) {
      logger.info(
        { alert_id: row.alert_id, rule_id: row.rule_id, tenant_id: row.tenant_id, severity: row.severity },
        'alert_fired',
      )
    }
    if (cache.size > MAX_CACHED_INCIDENTS) {
      cache.clear()
      samplesSeen.clear()
    }
    for (const row of rows) cache.set(row.alert_id, row)
    for (const [alertId, { before, added }] of seen) {
      const all = samplesSeen.get(alertId) ?? new Set(before)
      for (const eventId of added) all.add(eventId)
      samplesSeen.set(alertId, all)
    }
    return fresh.length
  }

  return {
    record(candidates) {
      const run = queue.then(() => recordNow(candidates))
      queue = run.catch(() => undefined)
      return run
    },
  }
}
