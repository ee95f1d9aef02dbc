import type { SealSummary } from '../integrity/index.js'
import { describeSeal } from '../integrity/index.js'
import type { ReportData } from './data.js'
import type { Block } from './document.js'
import type { ReportText } from './i18n/index.js'

/**
 * The evidence of the sealed audit trail: the period's first and last seal, whose digests and seal
 * hashes an auditor can compare with `mcp-audit verify-store` or with an anchored copy kept outside
 * the store (`integrity.anchor`).
 */

const when = (seal: SealSummary) => seal.sealedAt.slice(0, 19).replace('T', ' ')

export function auditTrailEvidence(data: ReportData, text: ReportText): Block[] {
  const t = text.report.auditTrail
  const trail = data.compliance.auditTrail
  const first = trail.verified ? trail.firstSeal : null
  const last = trail.verified ? trail.lastSeal : null
  const column = (pick: (seal: SealSummary) => string | number) => [
    first ? pick(first) : '–',
    last ? pick(last) : '–',
  ]
  const rows =
    first && last
      ? [
          [t.position, ...column(describeSeal)],
          [t.sealedAt, ...column(when)],
          [t.rows, ...column((seal) => seal.rowCount)],
          [t.digest, ...column((seal) => seal.digest)],
          [t.sealHash, ...column((seal) => seal.sealHash)],
          [t.key, ...column((seal) => seal.keyId)],
        ]
      : []
  return [
    {
      kind: 'table',
      table: {
        id: 'audit-trail-seals',
        title: t.title,
        columns: [
          { label: t.seal, width: 1.3 },
          { label: t.firstSeal, width: 2.6 },
          { label: t.lastSeal, width: 2.6 },
        ],
        rows,
        empty: trail.verified ? t.noSeal : text.format(t.notVerified, { reason: trail.reason }),
      },
    },
    {
      kind: 'text',
      text: text.format(t.explanation, {
        command: `mcp-audit verify-store --tenant ${data.tenant.id} --from ${data.period.from} --to ${data.period.to}`,
      }),
    },
  ]
}
