import { createHash } from 'node:crypto'
import type { AlertRow } from '../../schemas/alert.js'
import { ruleKind, type Rule } from '../../schemas/rules.js'
import type { AlertTriage } from '../platform/store/alerts.js'
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

type IdSource = Pick<AlertCandidate, 'rule' | 'tenantId' | 'group'>

/** What an alert id hashes: tenant, rule, group and the suppression bucket of `atMs`. */
function idInput(candidate: IdSource, atMs: number): string {
  const bucket = Math.floor(atMs / 1000 / suppressionSeconds(candidate.rule))
  return [candidate.tenantId, candidate.rule.id, groupKey(candidate.group), String(bucket)].join('\u0000')
}

function hashId(input: string): string {
  return createHash('sha256').update(input).digest('hex').slice(0, 32)
}

/**
 * The alert id: the same rule, tenant, group and suppression bucket always give the same id, so a
 * re-evaluated window or a redelivered event updates one incident instead of opening another.
 */
export function alertId(candidate: IdSource & Pick<AlertCandidate, 'firstSeen'>): string {
  return hashId(idInput(candidate, candidate.firstSeen.getTime()))
}

/** A candidate's own incident id, and the id of the previous bucket's incident it may join. */
export interface IncidentIds {
  id: string
  previousId: string
}

/** The ids of each candidate; a batch repeats few groups many times, so each id is hashed once. */
export function incidentIds(candidates: readonly AlertCandidate[]): IncidentIds[] {
  const hashed = new Map<string, string>()
  const idOf = (input: string): string => {
    let id = hashed.get(input)
    if (id === undefined) {
      id = hashId(input)
      hashed.set(input, id)
    }
    return id
  }
  return candidates.map((candidate) => {
    const at = candidate.firstSeen.getTime()
    return {
      id: idOf(idInput(candidate, at)),
      previousId: idOf(idInput(candidate, at - suppressionSeconds(candidate.rule) * 1000)),
    }
  })
}

export function summarize(rule: Rule, row: Pick<AlertRow, 'count' | 'value' | 'group_values'>): string {
  const group = Object.entries(row.group_values)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')
  const value = row.value === null ? '' : ` (value ${Number(row.value.toFixed(4))})`
  return `${rule.title}: ${row.count} event(s)${value}${group ? ` for ${group}` : ''}`
}

/** An incident as one record() call leaves it, before its status and version are settled. */
export interface IncidentDraft {
  /** The version it updates, as the store holds it (cached or just read); absent for a new incident. */
  base: AlertRow | undefined
  /** `base`, or the new incident's row as its first candidate made it. */
  origin: AlertRow
  /** The latest candidate's rule, for the summary. */
  rule: Rule
  count: number
  value: number | null
  firstMs: number
  lastMs: number
  samples: string[]
}

/** The event ids an incident has counted: before this call (kept by the alert store) and in it. */
export interface SeenSamples {
  before: ReadonlySet<string>
  added: Set<string>
}

export interface IncidentLookups {
  /** The current version of an incident as the store holds it (cached or just read). */
  known: (id: string) => AlertRow | undefined
  /** The event ids earlier calls of this process counted for an incident. */
  seenBefore: (id: string) => ReadonlySet<string> | undefined
}

export interface IncidentMerge {
  /** By incident id, in the order the call first changed them. */
  drafts: Map<string, IncidentDraft>
  seen: Map<string, SeenSamples>
}

/**
 * An incident stays open for its suppression window after its last event: a match that falls just
 * past its id's bucket boundary, or the next window of a windowed rule (a burst across a window
 * boundary), joins it (as the previous bucket's incident) instead of opening a second one, whether
 * it arrives in the same batch or tick or in the next one. Deterministic on redelivery: the same
 * events lead to the same incident.
 */
function incidentOf(
  candidate: AlertCandidate,
  ids: IncidentIds,
  drafts: ReadonlyMap<string, IncidentDraft>,
  known: IncidentLookups['known'],
): string {
  if (drafts.has(ids.id) || known(ids.id)) return ids.id
  const previous = drafts.get(ids.previousId)
  const previousLast = previous?.lastMs ?? parseClickhouseTime(known(ids.previousId)?.last_seen ?? '')
  const open = candidate.firstSeen.getTime() - previousLast <= suppressionSeconds(candidate.rule) * 1000
  return open ? ids.previousId : ids.id
}

function newDraft(id: string, candidate: AlertCandidate, now: string): IncidentDraft {
  const rule = candidate.rule
  const origin: AlertRow = {
    alert_id: id,
    tenant_id: candidate.tenantId,
    rule_id: rule.id,
    rule_title: rule.title,
    rule_kind: ruleKind(rule),
    severity: rule.severity,
    tags: rule.tags,
    group_key: groupKey(candidate.group),
    group_values: candidate.group,
    count: candidate.count,
    value: candidate.value,
    first_seen: candidate.firstSeen.toISOString(),
    last_seen: candidate.lastSeen.toISOString(),
    sample_event_ids: [],
    summary: '',
    status: 'open',
    created_at: now,
    updated_at: now,
    updated_by: 'detector',
  }
  return {
    base: undefined,
    origin,
    rule,
    count: candidate.count,
    value: candidate.value,
    firstMs: candidate.firstSeen.getTime(),
    lastMs: candidate.lastSeen.getTime(),
    samples: candidate.sampleEventIds.slice(0, MAX_SAMPLES),
  }
}

function baseDraft(base: AlertRow, rule: Rule): IncidentDraft {
  return {
    base,
    origin: base,
    rule,
    count: base.count,
    value: base.value,
    firstMs: parseClickhouseTime(base.first_seen),
    lastMs: parseClickhouseTime(base.last_seen),
    samples: [...base.sample_event_ids],
  }
}

/** A further candidate of an incident: more events (match), or the larger window (windowed rules). */
function addCandidate(draft: IncidentDraft, candidate: AlertCandidate, newSamples: readonly string[]): void {
  draft.rule = candidate.rule
  draft.count =
    ruleKind(candidate.rule) === 'match'
      ? draft.count + (newSamples.length || candidate.count)
      : Math.max(draft.count, candidate.count)
  draft.value = candidate.value ?? draft.value
  draft.firstMs = Math.min(draft.firstMs, candidate.firstSeen.getTime())
  draft.lastMs = Math.max(draft.lastMs, candidate.lastSeen.getTime())
  for (const eventId of newSamples) {
    if (draft.samples.length >= MAX_SAMPLES) break
    draft.samples.push(eventId)
  }
}

/**
 * The candidates of one record() call, in order, merged into the incidents they open or update,
 * in memory: a candidate for an incident that exists raises its count, moves last_seen and adds
 * samples; a match that brings only event ids the incident has counted is a redelivery and changes
 * nothing. `ids` are incidentIds(candidates); `lookups` answer from what the caller read before.
 */
export function mergeCandidates(
  candidates: readonly AlertCandidate[],
  ids: readonly IncidentIds[],
  lookups: IncidentLookups,
  now: Date,
): IncidentMerge {
  const drafts = new Map<string, IncidentDraft>()
  const seen = new Map<string, SeenSamples>()
  const created = now.toISOString()
  for (const [index, candidate] of candidates.entries()) {
    const id = incidentOf(candidate, ids[index]!, drafts, lookups.known)
    const draft = drafts.get(id)
    const base = draft ? undefined : lookups.known(id)
    let samples = seen.get(id)
    if (!samples) {
      samples = {
        before: lookups.seenBefore(id) ?? new Set(base?.sample_event_ids ?? []),
        added: new Set(),
      }
      seen.set(id, samples)
    }
    const { before, added } = samples
    const newSamples = candidate.sampleEventIds.filter(
      (eventId) => !before.has(eventId) && !added.has(eventId),
    )
    const existing = draft !== undefined || base !== undefined
    if (
      existing &&
      newSamples.length === 0 &&
      candidate.sampleEventIds.length > 0 &&
      ruleKind(candidate.rule) === 'match'
    ) {
      continue // the same event again (a redelivery): nothing new about this incident
    }
    for (const eventId of newSamples) added.add(eventId)
    if (draft) {
      addCandidate(draft, candidate, newSamples)
    } else if (base) {
      const updated = baseDraft(base, candidate.rule)
      addCandidate(updated, candidate, newSamples)
      drafts.set(id, updated)
    } else {
      drafts.set(id, newDraft(id, candidate, created))
    }
  }
  return { drafts, seen }
}

/**
 * The row version a draft stores: an incident that existed keeps the status an analyst gave it
 * (`triage`, read just before, else the base's own) and gets the next version of the base's.
 */
export function incidentRow(draft: IncidentDraft, triage: AlertTriage | undefined, now: Date): AlertRow {
  const { base } = draft
  const status = base ? (triage?.status ?? base.status) : 'open'
  const row: AlertRow = {
    ...draft.origin,
    count: draft.count,
    value: draft.value,
    first_seen: new Date(draft.firstMs).toISOString(),
    last_seen: new Date(draft.lastMs).toISOString(),
    sample_event_ids: draft.samples,
    status,
    updated_at: base ? nextVersion(base.updated_at, now).toISOString() : draft.origin.updated_at,
    updated_by: status === 'open' ? 'detector' : (triage?.updated_by ?? base?.updated_by ?? 'detector'),
  }
  row.summary = summarize(draft.rule, row)
  return row
}
