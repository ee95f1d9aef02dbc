import { MatchRule } from '../../schemas/rules.js'
import type { AlertCandidate } from './incidents.js'

/**
 * Built-in, always on, and not part of the YAML pack: raised by the exporter (services/exporter/
 * lag-watch.ts) when an export sink has failed for `export.unhealthyAfterSeconds` or is
 * `export.lagAlertMessages` messages behind, once per episode. Its `match` only names what it is
 * about. The alert goes through the alert store like any rule's, so the detector's outbox delivers
 * it to the webhooks whichever process raised it.
 */
export const EXPORT_LAGGING_RULE = MatchRule.parse({
  id: 'mcp-audit-export-lagging',
  title: 'Audit export to a SIEM or archive is failing or falling behind',
  description:
    'An export sink (export.sinks) has refused or not answered sends for longer than ' +
    'export.unhealthyAfterSeconds, or is more than export.lagAlertMessages stored events behind. ' +
    'Nothing is lost: the sink resumes from its checkpoint when the receiver takes records again. ' +
    'Until then the SOC does not see these events in its SIEM. Check the receiver, the sink’s last ' +
    'error (/readyz, the console’s export page) and mcp_audit_export_lag_messages.',
  severity: 'high',
  tags: ['attack.defense_evasion', 'attack.t1562.008', 'soc2:CC7.2', 'pci-dss:10.5.1', 'nist-800-53:AU-5'],
  match: { field: 'tenant_id', exists: true },
  suppress: { group_by: ['tenant_id', 'sink', 'reason'], duration: '1h' },
})

/** What the exporter reports of an episode (services/exporter/lag-watch.ts ExportLagEpisode). */
export interface ExportLaggingEpisode {
  sink: string
  tenants: readonly string[]
  sinceMs: number
  reason: 'failing' | 'lag'
  lag: number | undefined
}

/**
 * One candidate per tenant the sink serves (alerts are per tenant, as the console and webhooks
 * scope them), counting the episode once; the lag is the value. Episodes of one sink within the
 * suppression window join one incident instead of announcing again.
 */
export function exportLaggingCandidates(episode: ExportLaggingEpisode, nowMs = Date.now()): AlertCandidate[] {
  return episode.tenants.map((tenantId) => ({
    rule: EXPORT_LAGGING_RULE,
    tenantId,
    group: { tenant_id: tenantId, sink: episode.sink, reason: episode.reason },
    count: 1,
    value: episode.lag ?? null,
    firstSeen: new Date(episode.sinceMs),
    lastSeen: new Date(nowMs),
    sampleEventIds: [],
  }))
}
