import { createHash } from 'node:crypto'
import type { Store } from '../platform/clickhouse.js'
import type { Ed25519Key } from '../platform/ed25519-key.js'
import type { Logger } from '../platform/logger.js'
import { integritySealsTable, readChainHeads, type SealRow } from '../platform/store/integrity-seals.js'
import { nextEpoch, partitionChains, type PartitionChains } from './chain-state.js'
import { HASH_VERSION } from './leaf.js'
import { readSealedRange, type SealedRange } from './range.js'
import { CHAIN_START, sealHash, signSeal, type SealHeader } from './seal.js'

/** A partition's committed offset: the next offset to read, so every row below it is stored. */
export interface CommittedOffset {
  partition: number
  offset: string
}

export interface SealerOptions {
  store: Pick<Store, 'client' | 'database'>
  key: Ed25519Key
  logger: Logger
  intervalSeconds: number
  /** Offsets read back per seal at most, so a backlog (an upgraded store) is sealed in steps. */
  maxOffsetsPerSeal?: number
  now?: () => number
}

export interface Sealer {
  /**
   * Called with committed offsets (rows are stored below them): after each of the normalizer's
   * commits, and when it joins its group, the group's offsets of its partitions. Those cover what a
   * member killed between a commit and its next seal left unsealed, when nothing new arrives on the
   * partition to report it.
   */
  committed: (positions: readonly CommittedOffset[]) => void
  /**
   * The partitions the normalizer reads now (its group assignment): only they are sealed here, so
   * that a partition moved to another normalizer is sealed by that one alone.
   */
  assigned: (partitions: readonly number[]) => void
  /** Seals everything committed so far; resolves to the number of seals written. */
  sealNow: () => Promise<number>
  start: () => void
  /** Stops the schedule and seals what was committed up to now (after the consumer drained). */
  stop: () => Promise<void>
  health: () => { healthy: boolean; reason?: string }
}

/**
 * Seals what the normalizer stored, off its hot path: the consumer reports committed offsets, and
 * every interval each partition's new range `[watermark, committed)` is read back from the store
 * and sealed per tenant, chained to that tenant's previous seal on the partition. The watermark and
 * chain heads are read from the seals table each time, so a crash loses nothing (the range is
 * sealed by the next member given the partition, which learns the group's committed offsets when
 * it joins) and a partition that moved to another normalizer and back continues from what that one
 * sealed. Only the member reading a partition seals it; two sealing one partition at the same
 * moment (a seal still running during a rebalance) fork its chain, and verification reports it.
 */
export function createSealer(options: SealerOptions): Sealer {
  const { store, key, intervalSeconds } = options
  const logger = options.logger.child({ component: 'integrity' })
  const now = options.now ?? Date.now
  const maxOffsets = options.maxOffsetsPerSeal ?? 50_000
  const table = integritySealsTable(store)
  const pending = new Map<number, number>()
  /** The partitions this normalizer reads, once the group told it; until then every commit counts. */
  let owned: ReadonlySet<number> | undefined
  // A commit below the watermark is seen twice, with a fresh commit, before a new epoch starts: a
  // single stale one is a partition that moved to another normalizer, which sealed past it.
  const behind = new Map<number, number>()
  let running: Promise<number> | undefined
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let failingSince: number | undefined
  let lastError = ''

  const isOwned = (partition: number) => owned === undefined || owned.has(partition)

  const committed = (positions: readonly CommittedOffset[]) => {
    for (const { partition, offset } of positions) {
      if (!isOwned(partition)) continue
      pending.set(partition, Math.max(pending.get(partition) ?? 0, Number(offset)))
    }
  }

  const assigned = (partitions: readonly number[]) => {
    owned = new Set(partitions)
    for (const partition of pending.keys()) if (!owned.has(partition)) pending.delete(partition)
  }

  const buildSeal = (
    chains: PartitionChains,
    from: number,
    to: number,
    range: SealedRange,
    sealedAtMs: number,
  ) => {
    const head = chains.tenants.get(range.tenantId)
    const header: SealHeader = {
      hashVersion: HASH_VERSION,
      keyId: key.keyId,
      tenantId: range.tenantId,
      partition: chains.partition,
      epoch: chains.epoch,
      seq: head ? head.seq + 1 : 0,
      fromOffset: from,
      toOffset: to,
      sealedAtMs,
      rowCount: range.rowCount,
      minOccurredAtMs: range.minOccurredAtMs,
      maxOccurredAtMs: range.maxOccurredAtMs,
      digest: range.digest,
      prevHash: head?.sealHash ?? CHAIN_START,
    }
    const hash = sealHash(header)
    chains.tenants.set(range.tenantId, { seq: header.seq, sealHash: hash })
    const row: SealRow = {
      tenant_id: header.tenantId,
      source_partition: header.partition,
      epoch: header.epoch,
      seq: header.seq,
      from_offset: from,
      to_offset: to,
      sealed_at: new Date(sealedAtMs),
      row_count: header.rowCount,
      min_occurred_at: new Date(header.minOccurredAtMs),
      max_occurred_at: new Date(header.maxOccurredAtMs),
      event_ids: range.eventIds,
      leaf_hashes: range.leafHashes,
      retention_until: range.retentionUntil,
      digest: header.digest,
      prev_hash: header.prevHash,
      seal_hash: hash,
      signature: signSeal(hash, key.privateKey),
      key_id: key.keyId,
      hash_version: HASH_VERSION,
    }
    return row
  }

  const sealPartition = async (initial: PartitionChains, committedTo: number): Promise<number> => {
    let chains = initial
    if (committedTo < chains.watermark) {
      const seen = behind.get(chains.partition)
      behind.set(chains.partition, committedTo)
      if (seen === undefined || seen === committedTo) return 0
      chains = nextEpoch(chains)
      logger.warn(
        {
          partition: chains.partition,
          epoch: chains.epoch,
          committed: committedTo,
          sealed_to: initial.watermark,
        },
        'seal_chain_new_epoch',
      )
    }
    behind.delete(chains.partition)
    let written = 0
    // A rebalance during a long catch-up hands the rest of the partition to its new owner.
    for (let from = chains.watermark; from < committedTo && isOwned(chains.partition);) {
      const to = Math.min(committedTo, from + maxOffsets)
      const ranges = await readSealedRange(store, {
        partition: chains.partition,
        fromOffset: from,
        toOffset: to,
        storedAfterMs: chains.storedAfterMs,
      })
      if (ranges.length > 0 && isOwned(chains.partition)) {
        const sealedAtMs = now()
        const seals = ranges.map((range) => buildSeal(chains, from, to, range, sealedAtMs))
        // One insert per range: all tenants' seals of it are stored, or none.
        const token = createHash('sha256')
          .update(seals.map((seal) => seal.seal_hash).join(''))
          .digest('hex')
        await table.insert(seals, { dedupToken: `seal-${token}` })
        written += seals.length
      }
      from = to
    }
    return written
  }

  const sealAll = async (): Promise<number> => {
    const work = new Map(pending)
    if (work.size === 0) return 0
    const heads = await readChainHeads(store, [...work.keys()])
    let written = 0
    for (const [partition, committedTo] of work) {
      written += await sealPartition(partitionChains(partition, heads), committedTo)
      if (pending.get(partition) === committedTo) pending.delete(partition)
    }
    if (written > 0) logger.debug({ seals: written }, 'seals_written')
    return written
  }

  const sealNow = async (): Promise<number> => {
    while (running) await running.catch(() => 0)
    running = sealAll()
    try {
      const written = await running
      failingSince = undefined
      return written
    } catch (err) {
      failingSince ??= now()
      lastError = (err as Error).message
      throw err
    } finally {
      running = undefined
    }
  }

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      sealNow()
        .catch((err: unknown) => logger.warn({ err }, 'sealing_failed'))
        .finally(schedule)
    }, intervalSeconds * 1000)
  }

  return {
    committed,
    assigned,
    sealNow,
    start: schedule,
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await sealNow().catch((err: unknown) => logger.warn({ err }, 'final_seal_failed'))
    },
    health: () => {
      // A store outage pauses the normalizer too; sealing catches up once inserts work again.
      if (failingSince !== undefined && now() - failingSince > 5 * intervalSeconds * 1000) {
        return {
          healthy: false,
          reason: `sealing has failed for ${Math.round((now() - failingSince) / 1000)} s: ${lastError}`,
        }
      }
      return { healthy: true }
    },
  }
}
