import { describeSeal, type Problem, type SealSummary } from '../integrity/index.js'
import type { Check } from './check.js'
import type { ReportData } from './data.js'

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

const count = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`

export function sealLine(label: string, seal: SealSummary): string {
  return `${label} seal ${describeSeal(seal)}, sealed ${seal.sealedAt}, ${plural(seal.rowCount, 'row')}: digest ${seal.digest}, seal hash ${seal.sealHash}`
}

function problemLine(problem: Problem): string {
  const seal = problem.seal ? ` seal ${describeSeal(problem.seal)}` : ''
  const ids = problem.eventIds.slice(0, MAX_IDS)
  const more = problem.count > ids.length ? ` … and ${count(problem.count - ids.length)} more` : ''
  const events = ids.length > 0 ? `; event ids (${count(problem.count)}): ${ids.join(', ')}${more}` : ''
  return `${problem.kind.toUpperCase()}${seal}: ${problem.detail}${events}`
}

/** Ids of every distinct seal the problems break. */
function brokenSeals(problems: readonly Problem[]): string[] {
  return [...new Set(problems.flatMap((problem) => (problem.seal ? [describeSeal(problem.seal)] : [])))]
}

export function auditTrailCheck(data: ReportData): Check {
  const trail = data.compliance.auditTrail
  const id = AUDIT_TRAIL_CHECK
  const title = 'Audit trail integrity (PCI DSS 10.3, NIST AU-9, AU-10)'
  const command = `mcp-audit verify-store --tenant ${data.tenant.id} --from ${data.period.from} --to ${data.period.to}`
  if (!trail.verified) {
    return { id, title, status: 'warn', summary: `not verified: ${trail.reason}`, evidence: [] }
  }
  const checked = `${plural(trail.seals, 'seal')} and ${plural(trail.rows, 'stored row')} checked against seal key ${trail.keyId}`
  const expired =
    trail.expired > 0 ? `; ${plural(trail.expired, 'sealed row')} expired by retention (expected)` : ''
  const bounds = [
    ...(trail.firstSeal ? [sealLine('first', trail.firstSeal)] : []),
    ...(trail.lastSeal ? [sealLine('last', trail.lastSeal)] : []),
  ]
  if (trail.problems.length > 0) {
    const seals = brokenSeals(trail.problems)
    const events = trail.problems.reduce((sum, problem) => sum + problem.count, 0)
    const rest = trail.problems.length - MAX_PROBLEMS
    return {
      id,
      title,
      status: 'fail',
      summary: `${plural(trail.problems.length, 'integrity problem')}: ${plural(seals.length, 'seal')} broken, ${plural(events, 'event')} changed, deleted or added`,
      evidence: [
        `${checked}${expired}`,
        ...trail.problems.slice(0, MAX_PROBLEMS).map(problemLine),
        ...(rest > 0 ? [`… and ${rest} more problems (see report.json, or run ${command})`] : []),
        ...bounds,
      ],
    }
  }
  if (trail.seals === 0) {
    return {
      id,
      title,
      status: 'warn',
      summary:
        trail.rows === 0
          ? 'not applicable: no events stored in the period, so there is nothing sealed to verify'
          : `not yet applicable: the period's ${plural(trail.rows, 'row')} still wait for a first seal`,
      evidence: [checked, `check again later with ${command}`],
    }
  }
  return {
    id,
    title,
    status: 'pass',
    summary: `${trail.seals === 1 ? 'the one seal of the period verifies' : `all ${count(trail.seals)} seals of the period verify`}; no sealed row was changed, deleted or added`,
    evidence: [`${checked}${expired}`, ...bounds, `re-check with ${command}`],
  }
}
