import type { Check, CheckStatus } from './check.js'
import type { ReportData } from './data.js'
import { FRAMEWORKS, frameworkRetentionSource, retentionRequirement } from './frameworks.js'
import type { ReportText } from './i18n/index.js'

/**
 * Retention checks: the longest framework minimum against what stored events keep (their
 * `retention_until`) and the history the store holds; the tenant maximum (GDPR storage
 * limitation) against the oldest event; the hot tier against PCI DSS 10.5.1's three months.
 */

const DAY_MS = 86_400_000

export function retentionChecks(data: ReportData, text: ReportText): Check[] {
  const { format } = text
  const { none } = text.report.common
  const { retention: facts } = data.compliance
  const { tenant } = data
  const required = retentionRequirement(tenant.frameworks, tenant.retention.minDays)
  const periodEnd = Date.parse(data.period.to)
  const historyDays = facts.oldestEvent ? Math.floor((periodEnd - Date.parse(facts.oldestEvent)) / DAY_MS) : 0
  const min = text.checks['retention-minimum']
  const max = text.checks['retention-maximum']
  const hot = text.checks['retention-availability']
  const days = String(required.days)
  const sources = required.frameworks.map((framework) =>
    format(min.source, {
      source: frameworkRetentionSource(framework, text),
      days: String(FRAMEWORKS[framework].minimumDays),
    }),
  )

  const minimumEvidence = [
    sources.length > 0
      ? format(min.required, { days, sources: sources.join(text.report.common.listSeparator) })
      : format(min.requiredByTenant, { days }),
    format(min.policy, { min: String(tenant.retention.minDays), max: String(tenant.retention.maxDays) }),
    facts.ttlClause ? format(min.ttl, { clause: facts.ttlClause }) : min.noTtl,
    format(min.keep, { min: String(facts.minKeepDays ?? '–'), max: String(facts.maxKeepDays ?? '–') }),
    format(min.oldest, { oldest: facts.oldestEvent ?? none, days: String(historyDays) }),
  ]
  let minimumStatus: CheckStatus = 'pass'
  let minimumSummary = format(min.pass, { days })
  if (tenant.retention.maxDays < required.days || facts.eventsBelowRequired > 0 || !facts.ttlClause) {
    minimumStatus = 'fail'
    minimumSummary =
      facts.eventsBelowRequired > 0
        ? format(min.failExpiring, { count: facts.eventsBelowRequired, days })
        : format(min.failConfigured, { days })
  } else if (historyDays < required.days) {
    minimumStatus = 'warn'
    minimumSummary = format(min.warnHistory, { history: String(historyDays), days })
  }

  const maximumEvidence = [
    format(max.maximum, { days: String(tenant.retention.maxDays) }),
    facts.ttlClause ? format(max.ttl, { clause: facts.ttlClause }) : max.noTtl,
    format(max.beyond, { count: facts.eventsBeyondMaximum }),
    format(max.oldest, { oldest: facts.oldestEvent ?? none, days: String(historyDays) }),
  ]
  const tooOld = historyDays > tenant.retention.maxDays + 1
  const maximumStatus: CheckStatus =
    facts.eventsBeyondMaximum > 0 || tooOld || !facts.ttlClause ? 'fail' : 'pass'

  const hotRequired = Math.max(required.hotDays, 0)
  const hotDays = String(tenant.retention.hotDays)
  const availability: Check = {
    id: 'retention-availability',
    title: hot.title,
    status: tenant.retention.hotDays >= hotRequired ? 'pass' : 'fail',
    summary:
      tenant.retention.hotDays >= hotRequired
        ? format(hot.pass, { days: hotDays })
        : format(hot.fail, { days: hotDays, required: String(hotRequired) }),
    evidence: [
      format(hot.hotDays, { days: hotDays }),
      format(hotRequired ? hot.requiredPci : hot.required, { days: String(hotRequired) }),
    ],
  }
  return [
    {
      id: 'retention-minimum',
      title: min.title,
      status: minimumStatus,
      summary: minimumSummary,
      evidence: minimumEvidence,
    },
    {
      id: 'retention-maximum',
      title: max.title,
      status: maximumStatus,
      summary:
        maximumStatus === 'pass' ? format(max.pass, { days: String(tenant.retention.maxDays) }) : max.fail,
      evidence: maximumEvidence,
    },
    availability,
  ]
}
