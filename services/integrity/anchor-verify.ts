import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import { IntegrityAnchor, type AnchoredSeal } from '../../schemas/integrity-anchor.js'
import type { Store } from '../platform/clickhouse.js'
import { ed25519KeyId } from '../platform/ed25519-key.js'
import type { Problem, SealRef } from './problems.js'
import { readStoredSeals } from './read-seals.js'
import { signatureValid } from './seal.js'
import { EARLIEST, LATEST } from './verify.js'
import { checkSeals } from './verify-chains.js'

export type ParsedAnchor = { kind: 'ok'; anchor: IntegrityAnchor } | { kind: 'invalid'; reason: string }

/**
 * An anchor as a webhook received it: the whole Standard Webhooks body (`{ type, timestamp, data }`)
 * or its `data` alone.
 */
export function parseAnchor(json: unknown): ParsedAnchor {
  const body = z.object({ type: z.literal('integrity.anchor'), data: z.unknown() }).safeParse(json)
  const parsed = IntegrityAnchor.safeParse(body.success ? body.data.data : json)
  if (!parsed.success) {
    return {
      kind: 'invalid',
      reason: `not an integrity anchor: ${z.prettifyError(parsed.error).split('\n').join('; ')}`,
    }
  }
  return { kind: 'ok', anchor: parsed.data }
}

const refOf = (tenantId: string, seal: AnchoredSeal): SealRef => ({
  tenantId,
  partition: seal.partition,
  epoch: seal.epoch,
  seq: seal.seq,
})

const anchorProblem = (kind: Problem['kind'], seal: SealRef, detail: string): Problem => ({
  kind,
  seal,
  eventIds: [],
  count: 0,
  detail,
})

/**
 * Proves against the store that each anchored seal is still there unchanged (same seal hash at
 * its chain position) and that its chain from the start up to it verifies (no seal missing,
 * edited, re-signed or forked): nothing sealed before the anchor was removed or rewritten. The
 * anchor's own signatures are checked first: a copy not signed by the trusted key proves nothing.
 */
export async function verifyAnchor(
  store: Pick<Store, 'client' | 'database'>,
  anchor: IntegrityAnchor,
  publicKey: KeyObject,
): Promise<Problem[]> {
  const keyId = ed25519KeyId(publicKey)
  // Every seal of the tenant counts as in range, so that each one's digest is recomputed.
  const stored = await readStoredSeals(store, { tenantId: anchor.tenant_id, fromMs: EARLIEST, toMs: LATEST })
  const problems: Problem[] = []
  for (const head of anchor.seals) {
    const ref = refOf(anchor.tenant_id, head)
    if (head.key_id !== keyId || !signatureValid(head.seal_hash, head.signature, publicKey)) {
      problems.push(
        anchorProblem(
          'anchor_unsigned',
          ref,
          `the anchored seal is not signed by the trusted key ${keyId} (it names ${head.key_id})`,
        ),
      )
      continue
    }
    const chain = stored.filter(
      (seal) => seal.partition === head.partition && seal.epoch === head.epoch && seal.seq <= head.seq,
    )
    const here = chain.filter((seal) => seal.seq === head.seq)
    if (here.length === 0) {
      problems.push(anchorProblem('anchor_mismatch', ref, 'the anchored seal is no longer stored'))
    } else if (!here.some((seal) => seal.sealHash.toLowerCase() === head.seal_hash.toLowerCase())) {
      problems.push(
        anchorProblem(
          'anchor_mismatch',
          ref,
          `the stored seal at this position has seal hash ${here.map((seal) => seal.sealHash).join(', ')}, the anchor ${head.seal_hash}`,
        ),
      )
    }
    problems.push(...checkSeals(chain, publicKey, keyId))
  }
  return problems
}
