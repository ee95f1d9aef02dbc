import type { KeyObject } from 'node:crypto'
import type { Store } from '../platform/clickhouse.js'
import { ed25519KeyId } from '../platform/ed25519-key.js'
import { auditEventsTable } from '../platform/store/audit-events.js'
import type { SealSummary, VerifyResult } from './problems.js'
import { readStoredSeals, readWatermarks, scopeParams } from './read-seals.js'
import { checkSeals, type StoredSeal } from './verify-chains.js'
import { checkRows } from './verify-rows.js'

export interface VerifyOptions {
  tenantId?: string
  from?: Date
  to?: Date
  /** The key seals must be signed with (a configured, exported or given public key, never the seals' own claim). */
  publicKey: KeyObject
  /** `integrity.sealIntervalSeconds`: rows older than a few intervals must be sealed. */
  sealIntervalSeconds?: number
  /** Event ids listed per problem at most (the count is always complete). */
  maxEventIds?: number
  now?: () => number
}

// Far enough to hold every stored time, near enough for DateTime64(3).
export const EARLIEST = Date.UTC(1970, 0, 1)
export const LATEST = Date.UTC(2200, 0, 1)
/** Rows get this many seal intervals to be sealed (a batch waiting on a slow store, a restart). */
const GRACE_INTERVALS = 5

export function summarizeSeal(seal: StoredSeal): SealSummary {
  return {
    tenantId: seal.tenantId,
    partition: seal.partition,
    epoch: seal.epoch,
    seq: seal.seq,
    sealHash: seal.sealHash,
    digest: seal.digest,
    sealedAt: new Date(seal.sealedAtMs).toISOString(),
    rowCount: seal.rowCount,
    keyId: seal.keyId,
  }
}

const bySealingTime = (a: StoredSeal, b: StoredSeal) =>
  a.sealedAtMs - b.sealedAtMs || a.partition - b.partition || a.epoch - b.epoch || a.seq - b.seq

async function countRows(store: Pick<Store, 'client' | 'database'>, params: ReturnType<typeof scopeParams>) {
  const result = await store.client.query({
    query: `SELECT toString(count()) AS n FROM ${auditEventsTable(store).name}
      WHERE ({tenant:String} = '' OR tenant_id = {tenant:String})
        AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}`,
    query_params: params,
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string }>()
  return Number(row?.n ?? 0)
}

/**
 * Verifies the sealed audit trail of a period: seals against the trusted key, their chains, and
 * every sealed row against the store (changed, deleted, added rows by event id; rows removed by
 * the retention TTL counted as expired). Used by `mcp-audit verify-store`, the console's
 * `GET /api/v1/integrity` and the reports' integrity check.
 */
export async function verifyStore(
  store: Pick<Store, 'client' | 'database'>,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const now = options.now ?? Date.now
  const scope = {
    ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
    fromMs: options.from?.getTime() ?? EARLIEST,
    toMs: options.to?.getTime() ?? LATEST,
  }
  const seals = await readStoredSeals(store, scope)
  const problems = checkSeals(seals, options.publicKey, ed25519KeyId(options.publicKey))
  const inRange = seals.filter((seal) => seal.inRange).sort(bySealingTime)
  const rows = await checkRows(store, {
    ...scope,
    windowFromMs: inRange.reduce((at, seal) => Math.min(at, seal.minOccurredAtMs), scope.fromMs),
    windowToMs: inRange.reduce((at, seal) => Math.max(at, seal.maxOccurredAtMs + 1), scope.toMs),
    watermarks: await readWatermarks(store),
    sealedBeforeMs: now() - GRACE_INTERVALS * (options.sealIntervalSeconds ?? 60) * 1000,
    maxEventIds: options.maxEventIds ?? 1_000,
  })
  problems.push(...rows.problems)
  const [first, last] = [inRange[0], inRange.at(-1)]
  return {
    ok: problems.length === 0,
    seals: inRange.length,
    rows: await countRows(store, scopeParams(scope)),
    expired: rows.expired,
    problems,
    firstSeal: first ? summarizeSeal(first) : null,
    lastSeal: last ? summarizeSeal(last) : null,
  }
}
