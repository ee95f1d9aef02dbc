import type { Store } from '../platform/clickhouse.js'
import { auditEventsTable } from '../platform/store/audit-events.js'
import { integritySealsTable } from '../platform/store/integrity-seals.js'
import { clickhouseTime } from '../platform/store/time.js'
import { HASH_VERSION, leafBinarySql, leafKeySql } from './leaf.js'
import type { Problem, ProblemKind } from './problems.js'
import { SEAL_ALIGNED, SEAL_IN_RANGE, SEAL_OF_TENANT, scopeParams, type SealScope } from './read-seals.js'

export interface RowCheck extends SealScope {
  /** Rows are read over this window: the range widened to every row the seals in range hold. */
  windowFromMs: number
  windowToMs: number
  /** Per partition, offsets below which every stored row must be sealed. */
  watermarks: Map<number, number>
  /** Rows stored before this must be sealed whatever their offset. */
  sealedBeforeMs: number
  maxEventIds: number
}

export interface RowFindings {
  problems: Problem[]
  expired: number
}

/**
 * The heavy half of verification, in one query inside ClickHouse: the leaves of the seals in range
 * (ARRAY JOIN) beside the leaves recomputed from the stored rows, grouped by event id; only the
 * events whose sealed and stored leaves differ come back, grouped by kind and seal. An event is
 * intact when its sealed leaves and its rows' leaves are the same (copies of one event with equal
 * content have one leaf).
 */
export async function checkRows(
  store: Pick<Store, 'client' | 'database'>,
  check: RowCheck,
): Promise<RowFindings> {
  const partitions = [...check.watermarks.keys()]
  const result = await store.client.query({
    query: `SELECT kind, tenant_id, seal.1 AS seal_partition, seal.2 AS seal_epoch, toString(seal.3) AS seal_seq,
        count() AS n, groupArray({max_ids:UInt32})(event_id) AS ids
      FROM (
        SELECT tenant_id, id AS event_id,
          multiIf(sealed = 0, if(row_candidate = 2, 'added', 'unsealed'),
                  stored = 0, if(sealed_retention <= today(), 'expired', 'deleted'),
                  'changed') AS kind,
          first_seal AS seal
        FROM (
          SELECT tenant_id, any(event_id) AS id,
            countIf(side = 0) AS sealed, countIf(side = 1) AS stored,
            minIf(k, side = 0) AS sealed_min, maxIf(k, side = 0) AS sealed_max,
            minIf(k, side = 1) AS stored_min, maxIf(k, side = 1) AS stored_max,
            maxIf(retention, side = 0) AS sealed_retention,
            anyIf(seal, side = 0) AS first_seal,
            maxIf(candidate, side = 1) AS row_candidate
          FROM (
            SELECT tenant_id, e AS event_id, 0 AS side, ${leafKeySql('unhex(l)')} AS k, r AS retention,
              (source_partition, epoch, seq) AS seal, toUInt8(0) AS candidate
            FROM ${integritySealsTable(store).name}
            ARRAY JOIN event_ids AS e, leaf_hashes AS l, retention_until AS r
            WHERE ${SEAL_OF_TENANT} AND ${SEAL_IN_RANGE} AND ${SEAL_ALIGNED} AND hash_version = ${HASH_VERSION}
            UNION ALL
            SELECT tenant_id, event_id, 1 AS side, ${leafKeySql(leafBinarySql(HASH_VERSION))} AS k,
              retention_until AS retention, (toUInt16(0), toUInt32(0), toUInt64(0)) AS seal,
              multiIf(occurred_at < {from:DateTime64(3, 'UTC')} OR occurred_at >= {to:DateTime64(3, 'UTC')}, 0,
                      has({partitions:Array(UInt16)}, source_partition)
                        AND source_offset < arrayElement({marks:Array(UInt64)}, indexOf({partitions:Array(UInt16)}, source_partition)), 2,
                      ingested_at < {sealed_before:DateTime64(3, 'UTC')}, 1, 0) AS candidate
            FROM ${auditEventsTable(store).name}
            WHERE ${SEAL_OF_TENANT}
              AND occurred_at >= {window_from:DateTime64(3, 'UTC')} AND occurred_at < {window_to:DateTime64(3, 'UTC')}
          )
          -- A fixed-width key groups faster than the id string (a collision takes 2^64 work).
          GROUP BY tenant_id, sipHash128(event_id)
          HAVING NOT (sealed > 0 AND stored > 0 AND sealed_min = stored_min AND sealed_max = stored_max)
            AND (sealed > 0 OR row_candidate > 0)
        )
      )
      GROUP BY kind, tenant_id, seal
      ORDER BY kind, tenant_id, seal`,
    query_params: {
      ...scopeParams(check),
      window_from: clickhouseTime(check.windowFromMs),
      window_to: clickhouseTime(check.windowToMs),
      partitions,
      marks: partitions.map((partition) => check.watermarks.get(partition)!),
      sealed_before: clickhouseTime(check.sealedBeforeMs),
      max_ids: check.maxEventIds,
    },
    format: 'JSONEachRow',
  })
  const rows = await result.json<{
    kind: ProblemKind | 'expired'
    tenant_id: string
    seal_partition: number
    seal_epoch: number
    seal_seq: string
    n: string
    ids: string[]
  }>()
  const findings: RowFindings = { problems: [], expired: 0 }
  for (const row of rows) {
    const count = Number(row.n)
    if (row.kind === 'expired') {
      findings.expired += count
      continue
    }
    const sealed = row.kind !== 'added' && row.kind !== 'unsealed'
    findings.problems.push({
      kind: row.kind,
      ...(sealed
        ? {
            seal: {
              tenantId: row.tenant_id,
              partition: Number(row.seal_partition),
              epoch: Number(row.seal_epoch),
              seq: Number(row.seal_seq),
            },
          }
        : {}),
      eventIds: row.ids,
      count,
      detail: ROW_DETAIL[row.kind] ?? row.kind,
    })
  }
  return findings
}

const ROW_DETAIL: Partial<Record<ProblemKind, string>> = {
  changed: 'stored content differs from the sealed content',
  deleted: 'sealed rows are missing from the store before their retention date',
  added: 'rows stored inside a sealed range of offsets but in no seal',
  unsealed:
    'rows stored long ago but never sealed (forged, or left by a crash the normalizer has not replayed yet)',
}
