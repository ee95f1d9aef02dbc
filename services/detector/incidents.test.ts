import { describe, expect, it } from 'vitest'
import type { AlertRow } from '../../schemas/alert.js'
import { Rule } from '../../schemas/rules.js'
import {
  alertId,
  incidentIds,
  incidentRow,
  mergeCandidates,
  type AlertCandidate,
  type IncidentLookups,
} from './incidents.js'

const match = Rule.parse({
  id: 'test-match',
  title: 'Match',
  severity: 'high',
  match: { field: 'tool', equals: 'x' },
})
const burst = Rule.parse({
  id: 'test-burst',
  title: 'Burst',
  severity: 'low',
  threshold: {
    where: { field: 'status', equals: 'denied' },
    group_by: ['user_id'],
    window: '10m',
    aggregate: { type: 'count' },
    op: 'gte',
    value: 5,
  },
})
const NOW = new Date('2026-11-24T12:00:00Z')
const nothingKnown: IncidentLookups = { known: () => undefined, seenBefore: () => undefined }

function hit(at: string, eventId: string, rule: Rule = match): AlertCandidate {
  return {
    rule,
    tenantId: 't',
    group: { user_id: 'u1' },
    count: 1,
    value: null,
    firstSeen: new Date(at),
    lastSeen: new Date(at),
    sampleEventIds: [eventId],
  }
}

function merge(candidates: AlertCandidate[], lookups: IncidentLookups = nothingKnown) {
  const { drafts, seen } = mergeCandidates(candidates, incidentIds(candidates), lookups, NOW)
  const rows = [...drafts.values()].map((draft) => incidentRow(draft, undefined, NOW))
  return { rows, seen }
}

describe('mergeCandidates', () => {
  it('keeps matches within the window after the last one in one incident across the bucket boundary', () => {
    const { rows } = merge([
      hit('2026-11-24T10:59:50Z', 'e1'),
      hit('2026-11-24T11:00:10Z', 'e2'),
      hit('2026-11-24T11:50:00Z', 'e3'),
      hit('2026-11-24T13:30:00Z', 'e4'),
    ])
    expect(rows.map((row) => [row.alert_id, row.count, row.first_seen, row.last_seen])).toEqual([
      [alertId(hit('2026-11-24T10:59:50Z', 'e1')), 3, '2026-11-24T10:59:50.000Z', '2026-11-24T11:50:00.000Z'],
      [alertId(hit('2026-11-24T13:30:00Z', 'e4')), 1, '2026-11-24T13:30:00.000Z', '2026-11-24T13:30:00.000Z'],
    ])
  })

  it('counts an event once, whether it comes again in the call or was seen by an earlier one', () => {
    const first = hit('2026-11-24T10:00:00Z', 'e1')
    const base = incidentRow(mergeDraft(first), undefined, NOW)
    const lookups: IncidentLookups = {
      known: (id) => (id === base.alert_id ? base : undefined),
      seenBefore: (id) => (id === base.alert_id ? new Set(['e0', 'e1']) : undefined),
    }
    const { rows, seen } = merge(
      [
        hit('2026-11-24T10:01:00Z', 'e0'),
        hit('2026-11-24T10:02:00Z', 'e2'),
        hit('2026-11-24T10:03:00Z', 'e2'),
      ],
      lookups,
    )
    expect(rows.map((row) => [row.count, row.sample_event_ids])).toEqual([[2, ['e1', 'e2']]])
    expect([...seen.get(base.alert_id)!.added]).toEqual(['e2'])
  })

  it('changes nothing for a call that only redelivers events', () => {
    const base = incidentRow(mergeDraft(hit('2026-11-24T10:00:00Z', 'e1')), undefined, NOW)
    const { rows } = merge([hit('2026-11-24T10:00:00Z', 'e1')], {
      known: (id) => (id === base.alert_id ? base : undefined),
      seenBefore: () => undefined,
    })
    expect(rows).toEqual([])
  })

  it('keeps at most ten samples', () => {
    const hits = Array.from({ length: 15 }, (_, index) => hit('2026-11-24T10:00:00Z', `e${index}`))
    const [row] = merge(hits).rows
    expect(row?.count).toBe(15)
    expect(row?.sample_event_ids).toHaveLength(10)
  })

  it('takes the largest window of a windowed rule as the count and the latest value', () => {
    const window = (start: string, count: number): AlertCandidate => ({
      ...hit(start, 'unused', burst),
      count,
      value: count,
      lastSeen: new Date(new Date(start).getTime() + 600_000),
      sampleEventIds: [],
    })
    const [row] = merge([window('2026-11-24T10:00:00Z', 8), window('2026-11-24T10:10:00Z', 6)]).rows
    expect([row?.count, row?.value, row?.last_seen]).toEqual([8, 6, '2026-11-24T10:20:00.000Z'])
  })
})

describe('incidentRow', () => {
  const stored: AlertRow = {
    ...incidentRow(mergeDraft(hit('2026-11-24T10:00:00Z', 'e1')), undefined, NOW),
    first_seen: '2026-11-24 10:00:00.000',
    last_seen: '2026-11-24 10:00:00.000',
    updated_at: '2026-11-24 12:00:05.000',
  }
  const update = () =>
    mergeCandidates(
      [hit('2026-11-24T10:05:00Z', 'e2')],
      incidentIds([hit('2026-11-24T10:05:00Z', 'e2')]),
      { known: (id) => (id === stored.alert_id ? stored : undefined), seenBefore: () => undefined },
      NOW,
    ).drafts.get(stored.alert_id)!

  it("keeps an analyst's triage and stamps a version after the stored one", () => {
    const row = incidentRow(update(), { status: 'acknowledged', updated_by: 'ana' }, NOW)
    expect([row.status, row.updated_by, row.count, row.first_seen]).toEqual([
      'acknowledged',
      'ana',
      2,
      '2026-11-24T10:00:00.000Z',
    ])
    expect(row.updated_at).toBe('2026-11-24T12:00:05.001Z')
  })

  it('opens a new incident as the detector', () => {
    const row = incidentRow(mergeDraft(hit('2026-11-24T10:00:00Z', 'e1')), undefined, NOW)
    expect([row.status, row.updated_by, row.created_at, row.summary]).toEqual([
      'open',
      'detector',
      NOW.toISOString(),
      'Match: 1 event(s) for user_id=u1',
    ])
  })
})

function mergeDraft(candidate: AlertCandidate) {
  return [...mergeCandidates([candidate], incidentIds([candidate]), nothingKnown, NOW).drafts.values()][0]!
}
