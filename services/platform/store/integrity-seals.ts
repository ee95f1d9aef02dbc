import type { Store } from '../clickhouse.js'
import { defineTable } from './table.js'
import { clickhouseTime } from './time.js'

/**
 * `integrity_seals` (schemas/clickhouse/0008_integrity_seals.sql): the signed, chained seals over
 * stored `audit_events` rows, written only by the sealer (services/integrity/). Never replaced or
 * merged away: two seals at one chain position are a fork that verification reports.
 */
export const INTEGRITY_SEALS = 'integrity_seals'

export interface SealRow {
  tenant_id: string
  source_partition: number
  epoch: number
  seq: number
  /** First offset of the range (inclusive). */
  from_offset: number
  /** End of the range (exclusive): the partition's committed offset when it was sealed. */
  to_offset: number
  sealed_at: Date
  row_count: number
  min_occurred_at: Date
  max_occurred_at: Date
  event_ids: string[]
  leaf_hashes: string[]
  /** `YYYY-MM-DD`, one per leaf: a leaf whose row is gone after this date expired, it was not deleted. */
  retention_until: string[]
  digest: string
  prev_hash: string
  seal_hash: string
  signature: string
  key_id: string
  hash_version: number
}

export const integritySealsTable = defineTable<SealRow>(INTEGRITY_SEALS, (row) => ({
  ...row,
  sealed_at: clickhouseTime(row.sealed_at),
  min_occurred_at: clickhouseTime(row.min_occurred_at),
  max_occurred_at: clickhouseTime(row.max_occurred_at),
}))

/** The last seal of one tenant's chain on one partition and epoch. */
export interface ChainHead {
  tenantId: string
  partition: number
  epoch: number
  seq: number
  sealHash: string
  /** Highest end of range the chain reached. */
  toOffset: number
  sealedAtMs: number
}

/** Every chain head on these partitions, all epochs (the caller picks the latest). */
export async function readChainHeads(
  store: Pick<Store, 'client' | 'database'>,
  partitions: readonly number[],
): Promise<ChainHead[]> {
  if (partitions.length === 0) return []
  const result = await store.client.query({
    query: `SELECT tenant_id, source_partition, epoch, toString(max(seq)) AS head_seq,
        argMax(seal_hash, seq) AS head_hash, toString(max(to_offset)) AS head_to_offset,
        toString(toUnixTimestamp64Milli(max(sealed_at))) AS sealed_at_ms
      FROM ${integritySealsTable(store).name}
      WHERE source_partition IN {partitions:Array(UInt16)}
      GROUP BY tenant_id, source_partition, epoch`,
    query_params: { partitions },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{
    tenant_id: string
    source_partition: number
    epoch: number
    head_seq: string
    head_hash: string
    head_to_offset: string
    sealed_at_ms: string
  }>()
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    partition: Number(row.source_partition),
    epoch: Number(row.epoch),
    seq: Number(row.head_seq),
    sealHash: row.head_hash,
    toOffset: Number(row.head_to_offset),
    sealedAtMs: Number(row.sealed_at_ms),
  }))
}

/** A seal as an export manifest names it. */
export interface SealReference {
  partition: number
  epoch: number
  seq: number
  fromOffset: number
  toOffset: number
  sealHash: string
}

/**
 * The tenant's seals whose offset range overlaps any of RANGES (`last` inclusive), in chain order:
 * the seals an archive of those positions can be checked against.
 */
export async function readSealsOverlapping(
  store: Pick<Store, 'client' | 'database'>,
  tenantId: string,
  ranges: ReadonlyArray<{ partition: number; first: number; last: number }>,
): Promise<SealReference[]> {
  if (ranges.length === 0) return []
  const result = await store.client.query({
    query: `SELECT source_partition, epoch, toString(seq) AS seq_text, toString(from_offset) AS from_text,
        toString(to_offset) AS to_text, seal_hash
      FROM ${integritySealsTable(store).name}
      WHERE tenant_id = {tenant:String}
        AND arrayExists((p, f, l) -> p = source_partition AND from_offset <= l AND to_offset > f,
          {partitions:Array(UInt16)}, {firsts:Array(UInt64)}, {lasts:Array(UInt64)})
      ORDER BY source_partition, epoch, seq, seal_hash
      LIMIT 1 BY source_partition, epoch, seq, seal_hash`,
    query_params: {
      tenant: tenantId,
      partitions: ranges.map((range) => range.partition),
      firsts: ranges.map((range) => range.first),
      lasts: ranges.map((range) => range.last),
    },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{
    source_partition: number
    epoch: number
    seq_text: string
    from_text: string
    to_text: string
    seal_hash: string
  }>()
  return rows.map((row) => ({
    partition: Number(row.source_partition),
    epoch: Number(row.epoch),
    seq: Number(row.seq_text),
    fromOffset: Number(row.from_text),
    toOffset: Number(row.to_text),
    sealHash: row.seal_hash,
  }))
}
