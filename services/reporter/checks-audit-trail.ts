import { describeSeal, type Problem, type SealSummary } from '../integrity/index.js'
import type { Check } from './check.js'
import type { ReportData } from './data.js'
import type { ReportText } from './i18n/index.js'

/**
 * `audit-trail-integrity`: the report states whether its own evidence is intact. Every seal
 * holding a row of the period must verify against the installation's trusted seal key (its hash,
 * signature, chain and leaves), and every row of the period must match its seal (PCI DSS 10.3.2,
 * 10.3.4; SOC 2 CC7.2; ISO 27001 A.8.15; NIST SP 800-53 AU-9, AU-10).
 */

export const AUDIT_TRAIL_CHECK = 'audit-trail-integrity'

/** Problems listed in the evidence, and event ids per problem. */
const MAX_PROBLEMS = 10
const MAX_IDS = 10

type Messages = ReportText['checks']['audit-trail-integrity']

export function sealLine(which: 'first' | 'last', seal: SealSummary, text: ReportText): string {
  const m = text.checks[AUDIT_TRAIL_CHECK]
  return text.format(which === 'first' ? m.firstSeal : m.lastSeal, {
    seal: describeSeal(seal),
    at: seal.sealedAt,
    rows: seal.rowCount,
    digest: seal.digest,
    hash: seal.sealHash,
  })
}

function problemLine(problem: Problem, m: Messages, text: ReportText): string {
  const ids = problem.eventIds.slice(0, MAX_IDS)
  return text.format(m.problem, {
    kind: text.term('problemKind', problem.kind.toUpperCase()),
    sealed: problem.seal ? 'yes' : 'no',
    seal: problem.seal ? describeSeal(problem.seal) : '',
    detail: problem.detail,
    listed: ids.length > 0 ? 'yes' : 'no',
    count: problem.count,
    ids: ids.join(', '),
    more: Math.max(0, problem.count - ids.length),
  })
}

/** Ids of every distinct seal the problems break. */
function brokenSeals(problems: readonly Problem[]): string[] {
  return [...new Set(problems.flatMap((problem) => (problem.seal ? [describeSeal(problem.seal)] : [])))]
}

export function auditTrailCheck(data: ReportData, text: ReportText): Check {
  const trail = data.compliance.auditTrail
  const id = AUDIT_TRAIL_CHECK
  const m = text.checks[id]
  const { title } = m
  const command = `mcp-audit verify-store --tenant ${data.tenant.id} --from ${data.period.from} --to ${data.period.to}`
  if (!trail.verified) {
    return {
      id,
      title,
      status: 'warn',
      summary: text.format(m.notVerified, { reason: trail.reason }),
      evidence: [],
    }
  }
  const checked = (expired: number) =>
    text.format(m.checked, { seals: trail.seals, rows: trail.rows, key: trail.keyId, expired })
  const bounds = [
    ...(trail.firstSeal ? [sealLine('first', trail.firstSeal, text)] : []),
    ...(trail.lastSeal ? [sealLine('last', trail.lastSeal, text)] : []),
  ]
  if (trail.problems.length > 0) {
    const seals = brokenSeals(trail.problems)
    const events = trail.problems.reduce((sum, problem) => sum + problem.count, 0)
    const rest = trail.problems.length - MAX_PROBLEMS
    return {
      id,
      title,
      status: 'fail',
      summary: text.format(m.fail, { problems: trail.problems.length, seals: seals.length, events }),
      evidence: [
        checked(trail.expired),
        ...trail.problems.slice(0, MAX_PROBLEMS).map((problem) => problemLine(problem, m, text)),
        ...(rest > 0 ? [text.format(m.moreProblems, { n: String(rest), command })] : []),
        ...bounds,
      ],
    }
  }
  if (trail.seals === 0) {
    return {
      id,
      title,
      status: 'warn',
      summary: trail.rows === 0 ? m.nothingStored : text.format(m.notSealedYet, { rows: trail.rows }),
      evidence: [checked(0), text.format(m.checkLater, { command })],
    }
  }
  return {
    id,
    title,
    status: 'pass',
    summary: text.format(m.pass, { seals: trail.seals }),
    evidence: [checked(trail.expired), ...bounds, text.format(m.recheck, { command })],
  }
}
