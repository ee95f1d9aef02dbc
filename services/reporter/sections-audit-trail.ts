import type { SealSummary } from '../integrity/index.js'
import { describeSeal } from '../integrity/index.js'
import type { ReportData } from './data.js'
import type { Block } from './document.js'

/**
 * The evidence of the sealed audit trail: the period's first and last seal, whose digests and seal
 * hashes an auditor can compare with `mcp-audit verify-store` or with an anchored copy kept outside
 * the store (`integrity.anchor`).
 */

const when = (seal: SealSummary) => seal.sealedAt.slice(0, 19).replace('T', ' ')

export function auditTrailEvidence(data: ReportData): Block[] {
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
          ['Chain position', ...column(describeSeal)],
          ['Sealed at (UTC)', ...column(when)],
          ['Rows sealed', ...column((seal) => seal.rowCount)],
          ['Digest (SHA-256)', ...column((seal) => seal.digest)],
          ['Seal hash (SHA-256)', ...column((seal) => seal.sealHash)],
          ['Signed with key', ...column((seal) => seal.keyId)],
        ]
      : []
  return [
    {
      kind: 'table',
      table: {
        id: 'audit-trail-seals',
        title: 'Sealed audit trail: first and last seal of the period',
        columns: [
          { label: 'Seal', width: 1.3 },
          { label: 'First seal', width: 2.6 },
          { label: 'Last seal', width: 2.6 },
        ],
        rows,
        empty: trail.verified
          ? 'No seal covers the period yet.'
          : `The audit trail was not verified: ${trail.reason}.`,
      },
    },
    {
      kind: 'text',
      text:
        'Audit trail: the normalizer seals the rows it stores, per tenant and partition, as a digest over each row, ' +
        'chained to the previous seal and signed with Ed25519. ' +
        `Recompute it from the store with: mcp-audit verify-store --tenant ${data.tenant.id} --from ${data.period.from} --to ${data.period.to}`,
    },
  ]
}
