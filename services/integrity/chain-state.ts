import type { ChainHead } from '../platform/store/integrity-seals.js'

/** Where one partition's sealing stands: its current epoch, how far it is sealed, each tenant's head. */
export interface PartitionChains {
  partition: number
  epoch: number
  /** Offsets below this are sealed (the highest end of range in the epoch); 0 for a new epoch. */
  watermark: number
  /** Rows stored up to this time belong to earlier epochs (0 in the first epoch). */
  storedAfterMs: number
  /** When the epoch's latest seal was made. */
  lastSealedAtMs: number
  tenants: Map<string, { seq: number; sealHash: string }>
}

/** The latest epoch of a partition from the heads the store holds. */
export function partitionChains(partition: number, heads: readonly ChainHead[]): PartitionChains {
  const mine = heads.filter((head) => head.partition === partition)
  const epoch = mine.reduce((latest, head) => Math.max(latest, head.epoch), 0)
  const current = mine.filter((head) => head.epoch === epoch)
  return {
    partition,
    epoch,
    watermark: current.reduce((mark, head) => Math.max(mark, head.toOffset), 0),
    storedAfterMs: mine
      .filter((head) => head.epoch === epoch - 1)
      .reduce((after, head) => Math.max(after, head.sealedAtMs), 0),
    lastSealedAtMs: current.reduce((last, head) => Math.max(last, head.sealedAtMs), 0),
    tenants: new Map(current.map((head) => [head.tenantId, { seq: head.seq, sealHash: head.sealHash }])),
  }
}

/**
 * A new epoch for a partition whose committed offsets went back below what was sealed (the topic
 * was recreated): new chains from offset 0, over rows stored after the old epoch's last seal.
 */
export function nextEpoch(chains: PartitionChains): PartitionChains {
  return {
    partition: chains.partition,
    epoch: chains.epoch + 1,
    watermark: 0,
    storedAfterMs: chains.lastSealedAtMs,
    lastSealedAtMs: 0,
    tenants: new Map(),
  }
}
