import type { Check, CheckStatus } from './check.js'
import type { ReportData } from './data.js'
import { retentionRequirement } from './frameworks.js'

/**
 * Retention checks: the longest framework minimum against what stored events keep (their
 * `retention_until`) and the history the store holds; the tenant maximum (GDPR storage
 * limitation) against the oldest event; the hot tier against PCI DSS 10.5.1's three months.
 */

const DAY_MS = 86_400_000
const count = (n: number) => n.toLocaleString('en-US')

export function retentionChecks(data: ReportData): Check[] {
  const { retention: facts } = data.compliance
  const { tenant } = data
  const required = retentionRequirement(tenant.frameworks, tenant.retention.minDays)
  const periodEnd = Date.parse(data.period.to)
  const historyDays = facts.oldestEvent ? Math.floor((periodEnd - Date.parse(facts.oldestEvent)) / DAY_MS) : 0
  const ttl = facts.ttlClause ? `table TTL: ${facts.ttlClause}` : 'audit_events has no TTL clause'

  const minimumEvidence = [
    `required minimum: ${required.days} days${required.sources.length > 0 ? ` (${required.sources.join('; ')})` : ' (tenant retention.minDays)'}`,
    `tenant policy: minDays ${tenant.retention.minDays}, maxDays ${tenant.retention.maxDays} (events are kept maxDays)`,
    ttl,
    `stored events keep ${facts.minKeepDays ?? '–'} to ${facts.maxKeepDays ?? '–'} days (retention_until − event time)`,
    `oldest stored event: ${facts.oldestEvent ?? 'none'} (${historyDays} days before the period end)`,
  ]
  let minimumStatus: CheckStatus = 'pass'
  let minimumSummary = `events are kept at least ${required.days} days`
  if (tenant.retention.maxDays < required.days || facts.eventsBelowRequired > 0 || !facts.ttlClause) {
    minimumStatus = 'fail'
    minimumSummary =
      facts.eventsBelowRequired > 0
        ? `${count(facts.eventsBelowRequired)} stored events expire before the required ${required.days} days`
        : `retention is configured below the required ${required.days} days`
  } else if (historyDays < required.days) {
    minimumStatus = 'warn'
    minimumSummary = `the store holds ${historyDays} days of history, less than the ${required.days} required: fine only if collection began then`
  }

  const maximumEvidence = [
    `tenant maximum (storage limitation): ${tenant.retention.maxDays} days`,
    ttl,
    `events kept beyond the maximum: ${count(facts.eventsBeyondMaximum)}`,
    `oldest stored event: ${facts.oldestEvent ?? 'none'} (${historyDays} days old at the period end)`,
  ]
  const tooOld = historyDays > tenant.retention.maxDays + 1
  const maximumStatus: CheckStatus =
    facts.eventsBeyondMaximum > 0 || tooOld || !facts.ttlClause ? 'fail' : 'pass'

  const hotRequired = Math.max(required.hotDays, 0)
  const availability: Check = {
    id: 'retention-availability',
    title: 'Recent events immediately available',
    status: tenant.retention.hotDays >= hotRequired ? 'pass' : 'fail',
    summary:
      tenant.retention.hotDays >= hotRequired
        ? `${tenant.retention.hotDays} days are kept on the hot tier`
        : `hot tier holds ${tenant.retention.hotDays} days, ${hotRequired} required`,
    evidence: [
      `retention.hotDays: ${tenant.retention.hotDays}`,
      `required: ${hotRequired} days${hotRequired ? ' (PCI DSS 10.5.1)' : ''}`,
    ],
  }
  return [
    {
      id: 'retention-minimum',
      title: 'Retention meets each framework minimum',
      status: minimumStatus,
      summary: minimumSummary,
      evidence: minimumEvidence,
    },
    {
      id: 'retention-maximum',
      title: 'Retention within the tenant maximum',
      status: maximumStatus,
      summary:
        maximumStatus === 'pass'
          ? `no event is kept beyond ${tenant.retention.maxDays} days`
          : 'events are kept beyond the tenant maximum',
      evidence: maximumEvidence,
    },
    availability,
  ]
}
