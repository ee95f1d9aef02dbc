import { describe, expect, it } from 'vitest'
import { alertId } from './incidents.js'
import { EXPORT_LAGGING_RULE, exportLaggingCandidates } from './export-lagging-rule.js'

const episode = {
  sink: 'soc',
  tenants: ['acme', 'beta'],
  sinceMs: Date.UTC(2026, 11, 3, 20, 10),
  reason: 'failing' as const,
  lag: 420,
}

describe('mcp-audit-export-lagging', () => {
  it('is a built-in high-severity rule suppressed per tenant, sink and reason', () => {
    expect(EXPORT_LAGGING_RULE).toMatchObject({
      id: 'mcp-audit-export-lagging',
      severity: 'high',
      suppress: { group_by: ['tenant_id', 'sink', 'reason'], duration: 3_600 },
    })
  })

  it('gives one candidate per tenant the sink serves, the lag as value, the episode start as first seen', () => {
    const nowMs = episode.sinceMs + 90_000
    const candidates = exportLaggingCandidates(episode, nowMs)
    expect(candidates).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        group: { tenant_id: 'acme', sink: 'soc', reason: 'failing' },
        count: 1,
        value: 420,
        firstSeen: new Date(episode.sinceMs),
        lastSeen: new Date(nowMs),
        sampleEventIds: [],
      }),
      expect.objectContaining({ tenantId: 'beta' }),
    ])
  })

  it('keeps one alert id for an episode reported again later (a retry after a failed write)', () => {
    const [first] = exportLaggingCandidates(episode, episode.sinceMs + 1_000)
    const [later] = exportLaggingCandidates({ ...episode, lag: 9_000 }, episode.sinceMs + 600_000)
    expect(alertId(first!)).toBe(alertId(later!))
  })
})
