import type { Store } from '../platform/clickhouse.js'
import { integritySealsTable } from '../platform/store/integrity-seals.js'
import { clickhouseTime } from '../platform/store/time.js'
import { digestSql } from './leaf.js'
import type { StoredSeal } from './verify-chains.js'

export interface SealScope {
  tenantId?: string
  fromMs: number
  toMs: number
}

export const scopeParams = (scope: SealScope) => ({
  tenant: scope.tenantId ?? '',
  from: clickhouseTime(scope.fromMs),
  to: clickhouseTime(scope.toMs),
})

/** The seals in range are those holding a row that occurred in it. */
export const SEAL_IN_RANGE = `max_occurred_at >= {from:DateTime64(3, 'UTC')} AND min_occurred_at < {to:DateTime64(3, 'UTC')}`
export const SEAL_OF_TENANT = `({tenant:String} = '' OR tenant_id = {tenant:String})`
/** The three leaf arrays of a seal have one entry per leaf (an edit could break that). */
export const SEAL_ALIGNED = `length(event_ids) = length(leaf_hashes) AND length(event_ids) = length(retention_until)`

/**
 * Every seal header of the tenant(s), whole chains so that links into the range can be checked;
 * for the seals in range, ClickHouse recomputes the digest from the stored arrays (arrays resized
 * to one length so that a misaligned, edited seal is reported instead of failing the query).
 */
export async function readStoredSeals(
  store: Pick<Store, 'client' | 'database'>,
  scope: SealScope,
): Promise<StoredSeal[]> {
  const resized = (column: string) => `arrayResize(${column}, length(event_ids))`
  const result = await store.client.query({
    query: `SELECT tenant_id, source_partition, epoch, toString(seq) AS seq_text,
        toString(from_offset) AS from_text, toString(to_offset) AS to_text,
        toString(toUnixTimestamp64Milli(sealed_at)) AS sealed_ms, row_count,
        toString(toUnixTimestamp64Milli(min_occurred_at)) AS min_ms,
        toString(toUnixTimestamp64Milli(max_occurred_at)) AS max_ms,
        digest, prev_hash, seal_hash, signature, key_id, hash_version,
        ${SEAL_IN_RANGE} AS in_range, ${SEAL_ALIGNED} AS aligned, length(event_ids) AS leaves,
        if(in_range, ${digestSql('event_ids', resized('leaf_hashes'), resized('retention_until'))}, '') AS recomputed
      FROM ${integritySealsTable(store).name}
      WHERE ${SEAL_OF_TENANT}
      ORDER BY tenant_id, source_partition, epoch, seq`,
    query_params: scopeParams(scope),
    format: 'JSONEachRow',
  })
  const rows = await result.json<Record<string, string | number | boolean>>()
  return rows.map((row) => ({
    tenantId: String(row.tenant_id),
    partition: Number(row.source_partition),
    epoch: Number(row.epoch),
    seq: Number(row.seq_text),
    fromOffset: Number(row.from_text),
    toOffset: Number(row.to_text),
    sealedAtMs: Number(row.sealed_ms),
    rowCount: Number(row.row_count),
    minOccurredAtMs: Number(row.min_ms),
    maxOccurredAtMs: Number(row.max_ms),
    digest: String(row.digest),
    prevHash: String(row.prev_hash),
    sealHash: String(row.seal_hash),
    signature: String(row.signature),
    keyId: String(row.key_id),
    hashVersion: Number(row.hash_version),
    inRange: Boolean(Number(row.in_range)),
    aligned: Boolean(Number(row.aligned)),
    leaves: Number(row.leaves),
    recomputedDigest: String(row.recomputed),
  }))
}

/** Per partition, how far its latest epoch is sealed (whatever the tenant). */
export async function readWatermarks(
  store: Pick<Store, 'client' | 'database'>,
): Promise<Map<number, number>> {
  const result = await store.client.query({
    query: `SELECT source_partition, toString(tupleElement(max((epoch, to_offset)), 2)) AS sealed_to
      FROM ${integritySealsTable(store).name} GROUP BY source_partition`,
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ source_partition: number; sealed_to: string }>()
  return new Map(rows.map((row) => [Number(row.source_partition), Number(row.sealed_to)]))
}
