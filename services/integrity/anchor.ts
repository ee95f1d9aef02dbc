import { createHash } from 'node:crypto'
import type { AnchoredSeal, IntegrityAnchor } from '../../schemas/integrity-anchor.js'
import type { Store } from '../platform/clickhouse.js'
import { integritySealsTable } from '../platform/store/integrity-seals.js'

/**
 * Anchors: the head of every seal chain of each tenant, to be copied outside the store (the
 * reporter sends them to `integrity.anchor.webhooks`). A copy made now lets a later
 * `verify-store --anchor` prove that nothing sealed up to it was removed or rewritten since.
 */

function anchorId(tenantId: string, seals: readonly AnchoredSeal[]): string {
  const hash = createHash('sha256').update(tenantId)
  for (const seal of seals) hash.update(`\u0000${seal.partition}.${seal.epoch}.${seal.seq}.${seal.seal_hash}`)
  return `anc_${hash.digest('hex').slice(0, 32)}`
}

/** One anchor per tenant that has seals (of `tenantIds` when given), heads ordered by chain. */
export async function readAnchors(
  store: Pick<Store, 'client' | 'database'>,
  options: { tenantIds?: readonly string[]; now?: Date } = {},
): Promise<IntegrityAnchor[]> {
  const result = await store.client.query({
    query: `SELECT tenant_id, source_partition, epoch, toString(max(seq)) AS head_seq,
        argMax(seal_hash, seq) AS head_hash, argMax(digest, seq) AS head_digest,
        toString(toUnixTimestamp64Milli(argMax(sealed_at, seq))) AS head_sealed_ms,
        argMax(key_id, seq) AS head_key_id, argMax(signature, seq) AS head_signature
      FROM ${integritySealsTable(store).name}
      WHERE {all:Bool} OR tenant_id IN {tenants:Array(String)}
      GROUP BY tenant_id, source_partition, epoch
      ORDER BY tenant_id, source_partition, epoch`,
    query_params: { all: options.tenantIds === undefined, tenants: options.tenantIds ?? [] },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{
    tenant_id: string
    source_partition: number
    epoch: number
    head_seq: string
    head_hash: string
    head_digest: string
    head_sealed_ms: string
    head_key_id: string
    head_signature: string
  }>()
  const byTenant = new Map<string, AnchoredSeal[]>()
  for (const row of rows) {
    const seals = byTenant.get(row.tenant_id) ?? []
    seals.push({
      partition: Number(row.source_partition),
      epoch: Number(row.epoch),
      seq: Number(row.head_seq),
      seal_hash: row.head_hash,
      digest: row.head_digest,
      sealed_at: new Date(Number(row.head_sealed_ms)).toISOString(),
      key_id: row.head_key_id,
      signature: row.head_signature,
    })
    byTenant.set(row.tenant_id, seals)
  }
  const anchoredAt = (options.now ?? new Date()).toISOString()
  return [...byTenant].map(([tenantId, seals]) => ({
    anchor_id: anchorId(tenantId, seals),
    tenant_id: tenantId,
    anchored_at: anchoredAt,
    seals,
  }))
}
