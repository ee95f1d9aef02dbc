import type { Store } from '../platform/clickhouse.js'
import { auditEventsTable } from '../platform/store/audit-events.js'
import { clickhouseTime } from '../platform/store/time.js'
import { digestSql, HASH_VERSION, leafBinarySql } from './leaf.js'

/** One tenant's rows of a range of offsets, as a seal lists them (sorted by event id, then leaf). */
export interface SealedRange {
  tenantId: string
  rowCount: number
  minOccurredAtMs: number
  maxOccurredAtMs: number
  eventIds: string[]
  leafHashes: string[]
  retentionUntil: string[]
  digest: string
}

export interface RangeQuery {
  partition: number
  fromOffset: number
  toOffset: number
  /** Only rows stored after this (a new epoch after the topic was recreated reuses old offsets). */
  storedAfterMs: number
}

/**
 * Reads back what the store holds for `[fromOffset, toOffset)` of one partition, per tenant: the
 * leaves and the digest, both computed by ClickHouse. Copies of one event with equal content (a
 * replay after a crash) are one leaf. The minmax index on `source_offset` keeps this to the
 * granules of the range.
 */
export async function readSealedRange(
  store: Pick<Store, 'client' | 'database'>,
  range: RangeQuery,
): Promise<SealedRange[]> {
  const result = await store.client.query({
    query: `SELECT tenant_id, toString(length(entries)) AS row_count,
        toString(toUnixTimestamp64Milli(min_at)) AS min_ms, toString(toUnixTimestamp64Milli(max_at)) AS max_ms,
        arrayMap(x -> x.1, entries) AS event_ids, arrayMap(x -> x.2, entries) AS leaf_hashes,
        arrayMap(x -> x.3, entries) AS retention_until,
        ${digestSql('event_ids', 'leaf_hashes', 'retention_until')} AS digest
      FROM (
        SELECT tenant_id, arraySort(groupArray((event_id, leaf, retention_until))) AS entries,
          min(occurred_at) AS min_at, max(occurred_at) AS max_at
        FROM (
          SELECT DISTINCT tenant_id, event_id, hex(${leafBinarySql(HASH_VERSION)}) AS leaf, retention_until, occurred_at
          FROM ${auditEventsTable(store).name}
          WHERE source_partition = {partition:UInt16}
            AND source_offset >= {from:UInt64} AND source_offset < {to:UInt64}
            AND ingested_at > {after:DateTime64(3, 'UTC')}
        )
        GROUP BY tenant_id
      )
      ORDER BY tenant_id`,
    query_params: {
      partition: range.partition,
      from: range.fromOffset,
      to: range.toOffset,
      after: clickhouseTime(range.storedAfterMs),
    },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{
    tenant_id: string
    row_count: string
    min_ms: string
    max_ms: string
    event_ids: string[]
    leaf_hashes: string[]
    retention_until: string[]
    digest: string
  }>()
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    rowCount: Number(row.row_count),
    minOccurredAtMs: Number(row.min_ms),
    maxOccurredAtMs: Number(row.max_ms),
    eventIds: row.event_ids,
    leafHashes: row.leaf_hashes,
    retentionUntil: row.retention_until,
    digest: row.digest,
  }))
}
