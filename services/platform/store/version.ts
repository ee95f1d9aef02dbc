import { parseClickhouseTime } from './time.js'

/**
 * The one rule for the version column of a ReplacingMergeTree row (`updated_at`): a new version is
 * stamped now, but always at least a millisecond after the version it replaces, so a change can
 * never lose against the row it was based on when clocks disagree or two writes share a
 * millisecond. `previous` is absent (or unreadable) for a first version.
 */
export function nextVersion(previous: Date | string | undefined, now: Date = new Date()): Date {
  const before =
    previous === undefined
      ? NaN
      : previous instanceof Date
        ? previous.getTime()
        : parseClickhouseTime(previous)
  return Number.isNaN(before) ? now : new Date(Math.max(now.getTime(), before + 1))
}
