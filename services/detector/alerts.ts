import { createHash } from 'node:crypto'
import type { Alert, AlertRow } from '../../schemas/alert.js'
import { ruleKind, type Rule } from '../../schemas/rules.js'
import type { Store } from '../platform/clickhouse.js'
import type { Logger } from '../platform/logger.js'
import { alertsTable, findAlert, findAlertTriage } from '../platform/store/alerts.js'
import { parseClickhouseTime } from '../platform/store/time.js'
import { nextVersion } from '../platform/store/version.js'

/** What a rule evaluation found for one group: the alert store turns these into incidents. */
export interface AlertCandidate {
  rule: Rule
  tenantId: string
  /** Values of the fields that identify the incident (the rule's suppress.group_by or group_by). */
  group: Record<string, string>
  count: number
  value: number | null
  firstSeen: Date
  lastSeen: Date
  sampleEventIds: string[]
}

const MAX_SAMPLES = 10
const DEFAULT_SUPPRESS_SECONDS = 3_600

/** The window one incident covers: the rule's `suppress.duration`, else its window, else an hour. */
export function suppressionSeconds(rule: Rule): number {
  if (rule.suppress) return rule.suppress.duration
  if ('threshold' in rule) return rule.threshold.window
  if ('absence' in rule) return rule.absence.window
  return DEFAULT_SUPPRESS_SECONDS
}

export function groupKey(group: Record<string, string>): string {
  return Object.keys(group)
    .sort()
    .map((key) => `${key}=${group[key]}`)
    .join('|')
}

/**
 * The alert id: the same rule, tenant, group and suppression bucket always give the same id, so a
 * re-evaluated window or a redelivered event updates one incident instead of opening another.
 */
export function alertId(
  candidate: Pick<AlertCandidate, 'rule' | 'tenantId' | 'group' | 'firstSeen'>,
): string {
  const bucket = Math.floor(candidate.firstSeen.getTime() / 1000 / suppressionSeconds(candidate.rule))
  return createHash('sha256')
    .update([candidate.tenantId, candidate.rule.id, groupKey(candidate.group), String(bucket)].join('\u0000'))
    .digest('hex')
    .slice(0, 32)
}

function iso(date: Date): string {
  return date.toISOString()
}

export function summarize(rule: Rule, row: Pick<AlertRow, 'count' | 'value' | 'group_values'>): string {
  const group = Object.entries(row.group_values)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')
  const value = row.value === null ? '' : ` (value ${Number(row.value.toFixed(4))})`
  return `${rule.title}: ${row.count} event(s)${value}${group ? ` for ${group}` : ''}`
}

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

/**
 * Turns candidates into incidents in the `alerts` table: a new incident is inserted and announced;
 * a candidate for an open incident (same id) raises its count, moves last_seen and adds samples.
 * Each change is a new row version (ReplacingMergeTree on updated_at, see nextVersion).
 */
export function createAlertStore(options: AlertStoreOptions): AlertStore {
  const { store, logger } = options
  const table = alertsTable(store)
  const cache = new Map<string, AlertRow>()
  const samplesSeen = new Map<string, Set<string>>()

  async function load(id: string, tenantId: string): Promise<AlertRow | undefined> {
    const cached = cache.get(id)
    if (cached) return cached
    const row = await findAlert(store, tenantId, id)
    if (row) cache.set(id, row)
    return row
  }

  /**
   * An incident stays open for its suppression window after its last event: a match that falls just
   * past its id's bucket boundary, or the next window of a windowed rule (a burst across a window
   * boundary), joins it (as the previous bucket's incident) instead of opening a second one, whether
   * it arrives in the same batch or tick or in the next one. Deterministic on redelivery: the same
   * events lead to the same incident.
   */
  async function incidentId(candidate: AlertCandidate, changed: Map<string, AlertRow>): Promise<string> {
    const id = alertId(candidate)
    if (changed.has(id) || (await load(id, candidate.tenantId))) return id
    const windowMs = suppressionSeconds(candidate.rule) * 1000
    const previousId = alertId({
      ...candidate,
      firstSeen: new Date(candidate.firstSeen.getTime() - windowMs),
    })
    const previous = changed.get(previousId) ?? (await load(previousId, candidate.tenantId))
    const open =
      previous && candidate.firstSeen.getTime() - parseClickhouseTime(previous.last_seen) <= windowMs
    return open ? previousId : id
  }

  // One record() at a time: the stream and the scheduler may report the same incident together.
  let queue: Promise<unknown> = Promise.resolve()

  async function recordNow(candidates: readonly AlertCandidate[]): Promise<number> {
    // Nothing of this call reaches the caches until its rows are stored and announced: a call that
    // fails is retried whole (the writer retries its afterInsert) and must find nothing half-done.
    const changed = new Map<string, AlertRow>()
    const seenNow = new Map<string, Set<string>>()
    const fresh: AlertRow[] = []
    for (const candidate of candidates) {
      const id = await incidentId(candidate, changed)
      const now = iso(new Date())
      const existing = changed.get(id) ?? (await load(id, candidate.tenantId))
      const seen = seenNow.get(id) ?? new Set(samplesSeen.get(id) ?? existing?.sample_event_ids ?? [])
      seenNow.set(id, seen)
      const newSamples = candidate.sampleEventIds.filter((eventId) => !seen.has(eventId))
      if (
        existing &&
        newSamples.length === 0 &&
        candidate.sampleEventIds.length > 0 &&
        ruleKind(candidate.rule) === 'match'
      ) {
        continue // the same event again (a redelivery): nothing new about this incident
      }
      for (const eventId of newSamples) seen.add(eventId)
      let row: AlertRow
      if (existing) {
        const windowed = ruleKind(candidate.rule) !== 'match'
        // An analyst may have acknowledged or resolved it in the console since it was cached.
        const triage = changed.has(id) ? undefined : await findAlertTriage(store, candidate.tenantId, id)
        const status = triage?.status ?? existing.status
        row = {
          ...existing,
          status,
          count: windowed
            ? Math.max(existing.count, candidate.count)
            : existing.count + (newSamples.length || candidate.count),
          value: candidate.value ?? existing.value,
          first_seen: iso(new Date(Math.min(Date.parse(existing.first_seen), candidate.firstSeen.getTime()))),
          last_seen: iso(new Date(Math.max(Date.parse(existing.last_seen), candidate.lastSeen.getTime()))),
          sample_event_ids: [...existing.sample_event_ids, ...newSamples].slice(0, MAX_SAMPLES),
          updated_at: iso(nextVersion(existing.updated_at)),
          updated_by: status === 'open' ? 'detector' : (triage?.updated_by ?? existing.updated_by),
        }
      } else {
        row = {
          alert_id: id,
          tenant_id: candidate.tenantId,
          rule_id: candidate.rule.id,
          rule_title: candidate.rule.title,
          rule_kind: ruleKind(candidate.rule),
          severity: candidate.rule.severity,
          tags: candidate.rule.tags,
          group_key: groupKey(candidate.group),
          group_values: candidate.group,
          count: candidate.count,
          value: candidate.value,
          first_seen: iso(candidate.firstSeen),
          last_seen: iso(candidate.lastSeen),
          sample_event_ids: candidate.sampleEventIds.slice(0, MAX_SAMPLES),
          summary: '',
          status: 'open',
          created_at: now,
          updated_at: now,
          updated_by: 'detector',
        }
        fresh.push(row)
      }
      row.summary = summarize(candidate.rule, row)
      changed.set(id, row)
    }
    if (changed.size === 0) return 0
    // Announced before stored: the outbox skips a delivery it already holds, so a retry after a
    // failed insert announces once, and a stored alert is never left unannounced.
    for (const row of fresh) await options.onNewAlert(toAlert(row, options.consoleUrl))
    await table.insert([...changed.values()])
    for (const row of fresh) {
      logger.info(
        { alert_id: row.alert_id, rule_id: row.rule_id, tenant_id: row.tenant_id, severity: row.severity },
        'alert_fired',
      )
    }
    if (cache.size > 50_000) {
      cache.clear()
      samplesSeen.clear()
    }
    for (const [id, row] of changed) cache.set(id, row)
    for (const [id, seen] of seenNow) samplesSeen.set(id, seen)
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
