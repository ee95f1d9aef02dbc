/**
 * A sink's position in the stored stream, and how a read moves it.
 *
 * Every stored row carries the Kafka position of the message it came from (`source_partition`,
 * `source_offset`; one event per message). The normalizer commits an offset only after the rows
 * below it are in the store (or dead-lettered), so below the committed offset the stored stream is
 * final: no row of a lower offset can appear later. That is the fence: a sink reads only
 * `[position, committed)` per partition, in offset order, and its position moves to the end of
 * what it sent. Unlike a time cursor (`ingested_at` is stamped before the writer's buffer and
 * retries, so a row can become visible long after later-stamped ones), nothing can land behind a
 * position, whatever the clocks, batch sizes or store outages.
 */

/** Partition → the next offset whose row the sink has not received. A missing partition is at 0. */
export type Positions = ReadonlyMap<number, number>

/** One partition's range to read: offsets `from` (inclusive) to `to` (exclusive). */
export interface Window {
  partition: number
  from: number
  to: number
}

/**
 * The ranges to read, one per partition that has committed rows past the position, each at most
 * `maxOffsets` long (one row per offset at most, so one window never holds more than a batch).
 */
export function windowsFor(positions: Positions, committed: Positions, maxOffsets: number): Window[] {
  const windows: Window[] = []
  for (const [partition, fence] of [...committed].sort(([a], [b]) => a - b)) {
    const from = positions.get(partition) ?? 0
    if (fence > from) windows.push({ partition, from, to: Math.min(fence, from + maxOffsets) })
  }
  return windows
}

/** Where a read row was in the raw topic (the stored row's own columns). */
export interface ReadRow {
  source_partition: number
  source_offset: number
}

/**
 * The positions after sending what a read of `windows` returned, ordered by partition and offset
 * and cut at `limit` rows. A read that came back short covered its windows whole (offsets without
 * a row of the sink's tenants included); a full one covered the windows before its last row's
 * partition, that partition up to its last offset, and none after.
 */
export function advance(
  positions: Positions,
  windows: readonly Window[],
  rows: readonly ReadRow[],
  limit: number,
): Map<number, number> {
  const next = new Map(positions)
  const last = rows.length >= limit ? rows[rows.length - 1] : undefined
  for (const window of windows) {
    if (!last || window.partition < last.source_partition) next.set(window.partition, window.to)
    else if (window.partition === last.source_partition) next.set(window.partition, last.source_offset + 1)
  }
  return next
}

/** The partitions whose position differs (what a checkpoint write must save). */
export function changed(before: Positions, after: Positions): Map<number, number> {
  return new Map([...after].filter(([partition, offset]) => before.get(partition) !== offset))
}

/** Committed offsets not yet received, over all partitions: the sink's lag in messages. */
export function lagOf(positions: Positions, committed: Positions): number {
  let lag = 0
  for (const [partition, fence] of committed) lag += Math.max(0, fence - (positions.get(partition) ?? 0))
  return lag
}

/**
 * Partitions whose committed offset is below the position: the group's offsets were reset or
 * expired, or the raw topic was recreated. Rows stored at offsets below the position are not read
 * until the offsets pass it again.
 */
export function wentBack(positions: Positions, committed: Positions): number[] {
  return [...committed]
    .filter(([partition, fence]) => fence < (positions.get(partition) ?? 0))
    .map(([partition]) => partition)
}
