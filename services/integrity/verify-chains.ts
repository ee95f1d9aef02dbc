import type { KeyObject } from 'node:crypto'
import { CHAIN_START, sealHash, signatureValid, type SealHeader } from './seal.js'
import { HASH_VERSION } from './leaf.js'
import type { Problem, SealRef } from './problems.js'

/** A stored seal's header, as read back, with what ClickHouse recomputed from its arrays. */
export interface StoredSeal extends SealHeader {
  sealHash: string
  signature: string
  inRange: boolean
  /** Length of `event_ids`, and whether the three leaf arrays have equal lengths. */
  leaves: number
  aligned: boolean
  /** The digest recomputed from the stored arrays ('' for seals outside the range). */
  recomputedDigest: string
}

const ref = (seal: StoredSeal): SealRef => ({
  tenantId: seal.tenantId,
  partition: seal.partition,
  epoch: seal.epoch,
  seq: seal.seq,
})

const problem = (kind: Problem['kind'], seal: StoredSeal, detail: string): Problem => ({
  kind,
  seal: ref(seal),
  eventIds: [],
  count: 0,
  detail,
})

function headerOf(seal: StoredSeal): SealHeader {
  return {
    hashVersion: seal.hashVersion,
    keyId: seal.keyId,
    tenantId: seal.tenantId,
    partition: seal.partition,
    epoch: seal.epoch,
    seq: seal.seq,
    fromOffset: seal.fromOffset,
    toOffset: seal.toOffset,
    sealedAtMs: seal.sealedAtMs,
    rowCount: seal.rowCount,
    minOccurredAtMs: seal.minOccurredAtMs,
    maxOccurredAtMs: seal.maxOccurredAtMs,
    digest: seal.digest,
    prevHash: seal.prevHash,
  }
}

/** Each seal on its own: its hash, its signature, its arrays against its digest. */
function sealProblems(seal: StoredSeal, publicKey: KeyObject, keyId: string): Problem[] {
  const found: Problem[] = []
  const { sealHash: stored, signature, leaves, aligned, recomputedDigest } = seal
  if (sealHash(headerOf(seal)) !== stored)
    found.push(problem('seal_edited', seal, 'the header does not hash to its seal hash'))
  if (seal.keyId !== keyId || !signatureValid(stored, signature, publicKey)) {
    found.push(
      problem('bad_signature', seal, `not signed by the trusted key ${keyId} (seal names ${seal.keyId})`),
    )
  }
  if (seal.hashVersion !== HASH_VERSION) {
    found.push(
      problem('seal_edited', seal, `hash version ${seal.hashVersion} is not one this mcp-audit knows`),
    )
  } else if (!aligned || leaves !== seal.rowCount || recomputedDigest !== seal.digest) {
    found.push(problem('seal_edited', seal, 'its list of leaves no longer matches its digest'))
  }
  return found
}

/**
 * Checks seal headers and chains: every seal against itself and the trusted key, every chain
 * (tenant, partition, epoch) for forks, gaps and broken links. Problems are reported for the seals
 * in range (a link is the later seal's problem).
 */
export function checkSeals(seals: readonly StoredSeal[], publicKey: KeyObject, keyId: string): Problem[] {
  const found: Problem[] = []
  const chains = new Map<string, StoredSeal[]>()
  for (const seal of seals) {
    if (seal.inRange) found.push(...sealProblems(seal, publicKey, keyId))
    const chain = `${seal.tenantId}\n${seal.partition}\n${seal.epoch}`
    chains.set(chain, [...(chains.get(chain) ?? []), seal])
  }
  for (const chain of chains.values()) {
    const bySeq = new Map<number, StoredSeal[]>()
    for (const seal of chain) {
      const same = bySeq.get(seal.seq) ?? []
      // An identical seal stored twice (a retried insert) is one seal.
      if (!same.some((other) => other.sealHash === seal.sealHash)) same.push(seal)
      bySeq.set(seal.seq, same)
    }
    const seqs = [...bySeq.keys()].sort((a, b) => a - b)
    let previous = -1
    for (const seq of seqs) {
      const here = bySeq.get(seq)!
      const inRange = here.some((seal) => seal.inRange)
      if (here.length > 1 && inRange) {
        found.push(problem('fork', here[0]!, `${here.length} different seals at position ${seq}`))
      }
      if (seq !== previous + 1 && inRange) {
        found.push(
          problem('seal_missing', here[0]!, `seals ${previous + 1}…${seq - 1} of the chain are missing`),
        )
      }
      const before = bySeq.get(seq - 1)
      for (const seal of here.filter((s) => s.inRange)) {
        const linked =
          seq === 0
            ? seal.prevHash === CHAIN_START
            : (before ?? []).some((prev) => prev.sealHash === seal.prevHash)
        if (!linked && (seq === 0 || before)) {
          found.push(
            problem('chain_broken', seal, 'its previous-seal hash does not match the seal before it'),
          )
        }
      }
      previous = seq
    }
  }
  return found
}
