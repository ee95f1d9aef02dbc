/**
 * The writer's buffered rows and every way it cuts or joins them. They live apart from the writer
 * because three arrays must stay aligned through each of these steps: the put-back after a failed
 * flush, the first-write-wins screen and the halving search for refused rows; a refused or
 * dead-lettered row must keep its own origin and line.
 */

/** Buffered rows with `origins[i]` and `lines[i]` (empty for a table that is not encoded) for `rows[i]`. */
export interface Batch<Row, Origin> {
  rows: Row[]
  origins: Origin[]
  lines: string[]
}

export function emptyBatch<Row, Origin>(): Batch<Row, Origin> {
  return { rows: [], origins: [], lines: [] }
}

/** `first` in front of `second`: a failed batch goes back before anything buffered since. */
export function joinBatches<Row, Origin>(
  first: Batch<Row, Origin>,
  second: Batch<Row, Origin>,
): Batch<Row, Origin> {
  return {
    rows: [...first.rows, ...second.rows],
    origins: [...first.origins, ...second.origins],
    lines: [...first.lines, ...second.lines],
  }
}

export function sliceBatch<Row, Origin>(
  batch: Batch<Row, Origin>,
  start: number,
  end?: number,
): Batch<Row, Origin> {
  return {
    rows: batch.rows.slice(start, end),
    origins: batch.origins.slice(start, end),
    lines: batch.lines.slice(start, end),
  }
}

/**
 * What a screen makes of each buffered row: `insert` it; `replayed`, already stored from this very
 * message (a redelivery after a crash), so not inserted but still handed to `afterInsert`; or
 * `skip` it (stored before, or refused).
 */
export type ScreenVerdict = 'insert' | 'replayed' | 'skip'

/** The rows to insert (with their origins and lines) and the replayed ones, by the screen's verdicts. */
export function splitByVerdicts<Row, Origin>(
  batch: Batch<Row, Origin>,
  verdicts: readonly ScreenVerdict[],
): { insert: Batch<Row, Origin>; replayed: Row[] } {
  const { rows, origins, lines } = batch
  const insert = emptyBatch<Row, Origin>()
  const replayed: Row[] = []
  rows.forEach((row, index) => {
    if (verdicts[index] === 'insert') {
      insert.rows.push(row)
      insert.origins.push(origins[index]!)
      if (lines.length > 0) insert.lines.push(lines[index]!)
    } else if (verdicts[index] === 'replayed') replayed.push(row)
  })
  return { insert, replayed }
}
