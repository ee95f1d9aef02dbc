/** What verification can find. Row kinds name event ids; seal kinds name the seal. */
export type ProblemKind =
  /** A sealed row whose stored content differs from what was sealed (or a second version of it). */
  | 'changed'
  /** A sealed row no longer stored, before its retention date. */
  | 'deleted'
  /** A row with no seal where one was due: inside a sealed range of offsets. */
  | 'added'
  /** A row never sealed, older than the sealing grace: forged, or left by a crash not yet replayed. */
  | 'unsealed'
  /** A seal whose header, leaves or digest no longer match each other. */
  | 'seal_edited'
  /** A seal not signed by the trusted key. */
  | 'bad_signature'
  /** A seal whose previous-seal hash does not match the seal before it. */
  | 'chain_broken'
  /** Seals missing from a chain (a gap in the sequence numbers). */
  | 'seal_missing'
  /** Two different seals at one position of a chain. */
  | 'fork'
  /** An anchored seal (a copy kept outside the store) that the store no longer holds unchanged. */
  | 'anchor_mismatch'
  /** An anchor whose seal is not signed by the trusted key: the copy itself is no evidence. */
  | 'anchor_unsigned'

export interface SealRef {
  tenantId: string
  partition: number
  epoch: number
  seq: number
}

export interface Problem {
  kind: ProblemKind
  /** The seal the problem breaks; absent for rows that no seal covers. */
  seal?: SealRef
  /** The event ids concerned (at most `maxEventIds` of them; `count` has the total). */
  eventIds: string[]
  count: number
  detail: string
}

/** A seal as reports and anchors cite it: its chain position, hashes and time. */
export interface SealSummary extends SealRef {
  sealHash: string
  digest: string
  /** ISO 8601, UTC. */
  sealedAt: string
  rowCount: number
  keyId: string
}

export interface VerifyResult {
  ok: boolean
  /** Seals in the range checked. */
  seals: number
  /** Stored rows in the range checked. */
  rows: number
  /** Sealed rows removed by the retention TTL after their retention date: expected, not a problem. */
  expired: number
  problems: Problem[]
  /** The earliest and the latest seal in the range (by sealing time); null when none. */
  firstSeal: SealSummary | null
  lastSeal: SealSummary | null
}

export function describeSeal(seal: SealRef): string {
  return `${seal.tenantId}/p${seal.partition}${seal.epoch > 0 ? `.e${seal.epoch}` : ''}#${seal.seq}`
}
