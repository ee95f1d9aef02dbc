import type { EventConflictRow } from '../../schemas/audit-row.js'
import { MatchRule } from '../../schemas/rules.js'
import type { AlertCandidate } from './incidents.js'

/**
 * Built-in, always on, and not part of the YAML pack: it is raised by the normalizer when it refuses
 * a second version of a stored event id (first write wins), not evaluated on stored events, so it
 * holds whatever `rules.paths` loads. Its `match` only names what it is about. Alerts go through the
 * alert store like any rule's: the console's alert list and the webhooks.
 */
export const EVENT_CONFLICT_RULE = MatchRule.parse({
  id: 'mcp-audit-event-conflict',
  title: 'Audit event re-sent with different content (refused)',
  description:
    'An ingest token sent an event id that is already stored, with other content. The stored ' +
    'version was kept (first write wins) and the attempt recorded in event_conflicts, with the hashes ' +
    'of both versions. A gateway does not re-send an event with a different status or arguments: ' +
    'suspect an attempt to rewrite the audit trail with a leaked or misused ingest token. Check who ' +
    'holds the gateway token named in the alert and rotate it.',
  severity: 'high',
  tags: [
    'owasp-mcp:MCP08',
    'attack.impact',
    'attack.t1565.001',
    'pci-dss:10.3.2',
    'soc2:CC7.2',
    'iso27001:A.8.15',
    'nist-800-53:AU-9',
  ],
  match: { field: 'event_id', exists: true },
  suppress: { group_by: ['tenant_id', 'gateway'], duration: '1h' },
})

/** One candidate per tenant and gateway, counting the refused versions, their event ids as samples. */
export function eventConflictCandidates(conflicts: readonly EventConflictRow[]): AlertCandidate[] {
  const groups = new Map<string, EventConflictRow[]>()
  for (const conflict of conflicts) {
    const key = `${conflict.tenant_id}\u0000${conflict.gateway}`
    groups.set(key, [...(groups.get(key) ?? []), conflict])
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!
    const times = group.map((conflict) => Date.parse(conflict.detected_at))
    return {
      rule: EVENT_CONFLICT_RULE,
      tenantId: first.tenant_id,
      group: { tenant_id: first.tenant_id, gateway: first.gateway },
      count: group.length,
      value: null,
      firstSeen: new Date(Math.min(...times)),
      lastSeen: new Date(Math.max(...times)),
      sampleEventIds: [...new Set(group.map((conflict) => conflict.event_id))],
    }
  })
}
