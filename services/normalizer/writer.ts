import { createHash } from 'node:crypto'
import type { Logger } from '../platform/logger.js'
import type { EncodedTable, InsertOptions, Table } from '../platform/store/table.js'
import { isRetryableInsertError, searchRefusedRows, type RejectedRow } from './refused-rows.js'
import { emptyBatch, joinBatches, splitByVerdicts, type Batch, type ScreenVerdict } from './writer-batch.js'

export class WriterStoppedError extends Error {
  readonly retryable = false
  constructor() {
    super('the writer is stopping; rows not yet inserted stay uncommitted and will be redelivered')
    this.name = 'WriterStoppedError'
  }
}

/** Position of a message in Kafka; the writer commits these only after its rows are stored. */
export interface SourcePosition {
  topic: string
  partition: number
  offset: string
}

export interface WriterOptions<Row = object, Origin = unknown> {
  /**
   * The table's module (services/platform/store/); its qualified name also seeds the tokens. An
   * encoded table gets its rows as the lines `add` was given (or encodes them on `add`).
   */
  table: Table<object> | EncodedTable<object>
  logger: Logger
  /**
   * Flush when this many rows are buffered (`normalizer.batchMaxRows`; embedded inserts block the
   * event loop in proportion to size).
   */
  maxRows: number
  /** Flush when the oldest buffered row is this old (`normalizer.batchMaxWaitMs`). */
  maxWaitMs: number
  /** Called with the highest flushed position per partition, after the insert succeeded. */
  commit: (positions: SourcePosition[]) => Promise<void>
  onFlush?: (rows: number, seconds: number, ok: boolean) => void
  onHealthChange?: (healthy: boolean) => void
  /**
   * Runs once per flush, before the insert, with every buffered row; returns one verdict per row
   * (first write wins: services/normalizer/first-write-wins.ts). A failure is retried with the
   * insert's backoff, like the insert itself.
   */
  screen?: (rows: readonly object[]) => Promise<ScreenVerdict[]>
  /**
   * Runs after the rows are stored and before their offsets are committed (in-stream detection).
   * A failure is retried with the insert's backoff until it passes: an alert is evidence too, and
   * is not dropped because the store refused its write once. When the writer stops first, the
   * offsets stay uncommitted and the redelivered rows are inspected again.
   */
  afterInsert?: (rows: readonly object[]) => Promise<void>
  /**
   * Rows ClickHouse refuses for good (bad values), each with its origin so that the message it came
   * from can be dead-lettered; called once per flush, before the offsets past them are committed.
   */
  onRejected?: (rejected: ReadonlyArray<RejectedRow<Row, Origin>>) => Promise<void>
  backoff?: { initialMs: number; maxMs: number }
}

/**
 * The one owner of batching into a ClickHouse table. Rows arrive with their Kafka position and each
 * with its origin (the message it was made from, for the DLQ); a flush
 * (on size, on age, or at shutdown) inserts them with a deduplication token derived from the
 * positions it covers, retries retryable failures with capped exponential backoff, and only then
 * hands the positions to `commit`. No buffered row outlives a committed offset.
 */
export class ClickHouseWriter<Row extends object, Origin = unknown> {
  /** What is buffered: `origins[i]` is where `rows[i]` came from, `lines[i]` its encoding. */
  private buffer: Batch<Row, Origin> = emptyBatch()
  private positions = new Map<string, SourcePosition & { first: string }>()
  private oldestAt: number | undefined
  private flushing: Promise<void> | undefined
  private stopping = false
  private healthy = true
  private readonly maxRows: number
  private readonly maxWaitMs: number
  private readonly timer: NodeJS.Timeout

  constructor(private readonly options: WriterOptions<Row, Origin>) {
    this.maxRows = options.maxRows
    this.maxWaitMs = options.maxWaitMs
    this.timer = setInterval(
      () => {
        if (this.isDue() && !this.flushing) this.flush().catch(() => undefined)
      },
      Math.max(50, Math.min(250, this.maxWaitMs / 4)),
    )
    this.timer.unref()
  }

  get size(): number {
    return this.buffer.rows.length
  }

  get isHealthy(): boolean {
    return this.healthy
  }

  /**
   * Buffers rows (with `origins[i]` the origin of `rows[i]`, and `lines[i]` its encoding when it was
   * encoded already) and records that everything up to `position` has been handed over.
   */
  add(
    rows: readonly Row[],
    position: SourcePosition,
    origins: readonly Origin[],
    lines?: readonly string[],
  ): void {
    const buffer = this.buffer
    for (const row of rows) buffer.rows.push(row)
    for (const origin of origins) buffer.origins.push(origin)
    const table = this.options.table
    if ('encode' in table) {
      if (lines) for (const line of lines) buffer.lines.push(line)
      else for (const row of rows) buffer.lines.push(table.encode(row))
    }
    const key = `${position.topic}:${position.partition}`
    const existing = this.positions.get(key)
    this.positions.set(key, { ...position, first: existing?.first ?? position.offset })
    this.oldestAt ??= Date.now()
  }

  isFull(): boolean {
    return this.buffer.rows.length >= this.maxRows
  }

  /** A flush is running and another full batch is already waiting behind it. */
  isBacklogged(): boolean {
    return this.flushing !== undefined && this.buffer.rows.length >= this.maxRows
  }

  /** Starts a flush unless one is running; failures stay buffered and are retried by the timer. */
  flushInBackground(): void {
    if (this.flushing) return
    this.flush().catch(() => undefined)
  }

  private isDue(): boolean {
    return (
      this.positions.size > 0 &&
      (this.isFull() || Date.now() - (this.oldestAt ?? Date.now()) >= this.maxWaitMs)
    )
  }

  /** Flushes what is buffered now; concurrent callers share one flush at a time. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined)
    if (this.positions.size === 0) return
    const batch = this.buffer
    const positions = [...this.positions.values()]
    this.buffer = emptyBatch()
    this.positions = new Map()
    this.oldestAt = undefined
    this.flushing = this.insertAndCommit(batch, positions)
    try {
      await this.flushing
    } catch (err) {
      // Put the batch back in front, so the next flush retries it whole, before anything newer.
      this.buffer = joinBatches(batch, this.buffer)
      for (const position of positions) {
        const key = `${position.topic}:${position.partition}`
        const newer = this.positions.get(key)
        this.positions.set(key, newer ? { ...newer, first: position.first } : position)
      }
      this.oldestAt = Date.now() - this.maxWaitMs
      throw err
    } finally {
      this.flushing = undefined
    }
  }

  private dedupToken(positions: ReadonlyArray<SourcePosition & { first: string }>): string {
    const ranges = positions
      .map((p) => `${p.topic}:${p.partition}:${p.first}-${p.offset}`)
      .sort()
      .join(',')
    return createHash('sha256').update(this.options.table.name).update(ranges).digest('hex')
  }

  private async insertAndCommit(
    batch: Batch<Row, Origin>,
    positions: Array<SourcePosition & { first: string }>,
  ): Promise<void> {
    const rejected: Array<RejectedRow<Row, Origin>> = []
    const { insert, replayed } = await this.screened(batch)
    if (insert.rows.length > 0) {
      await this.insertWithRetry(insert, this.dedupToken(positions), rejected)
    }
    if (rejected.length > 0) await this.options.onRejected?.(rejected)
    const stored = [...insert.rows, ...replayed]
    if (stored.length > 0 && this.options.afterInsert) await this.afterInsertWithRetry(stored)
    await this.options.commit(positions.map(({ topic, partition, offset }) => ({ topic, partition, offset })))
  }

  /** The rows to insert (with their origins and lines) and the replayed ones, by the screen's verdicts. */
  private async screened(
    batch: Batch<Row, Origin>,
  ): Promise<{ insert: Batch<Row, Origin>; replayed: Row[] }> {
    const screen = this.options.screen
    const { rows } = batch
    if (!screen || rows.length === 0) return { insert: batch, replayed: [] }
    // The screen reads the store: while it fails, the writer is as unhealthy as a failing insert.
    const verdicts = await this.retrying({ failure: 'screen_failed', rows: rows.length, store: true }, () =>
      screen(rows),
    )
    return splitByVerdicts(batch, verdicts)
  }

  /**
   * Retries retryable failures until they pass or the writer stops. A permanent rejection is
   * narrowed down by halving the batch (refused-rows.ts), so only the rows ClickHouse refuses are
   * collected in `rejected` (for the DLQ) and the rest are stored.
   */
  private async insertWithRetry(
    batch: Batch<Row, Origin>,
    token: string,
    rejected: Array<RejectedRow<Row, Origin>>,
  ): Promise<void> {
    const { table: target, logger } = this.options
    const table = target.name
    const { rows, lines } = batch
    let delay = this.options.backoff?.initialMs ?? 200
    const maxDelay = this.options.backoff?.maxMs ?? 10_000
    for (let attempt = 1; ; attempt++) {
      const started = performance.now()
      try {
        const options: InsertOptions = { dedupToken: token, settings: { async_insert: 0 } }
        await ('insertEncoded' in target
          ? target.insertEncoded(lines, options)
          : target.insert(rows, options))
        this.options.onFlush?.(rows.length, (performance.now() - started) / 1000, true)
        this.setHealthy(true)
        return
      } catch (err) {
        this.options.onFlush?.(rows.length, (performance.now() - started) / 1000, false)
        if (!isRetryableInsertError(err)) {
          await searchRefusedRows(batch, token, err, {
            insert: (part, partToken) => this.insertWithRetry(part, partToken, rejected),
            rejected: this.options.onRejected ? rejected : undefined,
            logger,
            table,
          })
          return
        }
        this.setHealthy(false)
        logger.warn(
          { err, table, rows: rows.length, attempt, retry_in_ms: delay },
          'clickhouse_insert_failed',
        )
        if (this.stopping) throw new WriterStoppedError()
        await new Promise((resolve) => setTimeout(resolve, delay))
        if (this.stopping) throw new WriterStoppedError()
        delay = Math.min(maxDelay, delay * 2)
      }
    }
  }

  private async afterInsertWithRetry(rows: Row[]): Promise<void> {
    const afterInsert = this.options.afterInsert!
    await this.retrying({ failure: 'after_insert_failed', rows: rows.length, store: false }, () =>
      afterInsert(rows),
    )
  }

  /** Runs `work` until it passes, with the insert's backoff; gives up only when the writer stops. */
  private async retrying<T>(
    { failure, rows, store }: { failure: string; rows: number; store: boolean },
    work: () => Promise<T>,
  ): Promise<T> {
    let delay = this.options.backoff?.initialMs ?? 200
    const maxDelay = this.options.backoff?.maxMs ?? 10_000
    for (let attempt = 1; ; attempt++) {
      try {
        return await work()
      } catch (err) {
        if (store) this.setHealthy(false)
        this.options.logger.error(
          { err, table: this.options.table.name, rows, attempt, retry_in_ms: delay },
          failure,
        )
        if (this.stopping) throw new WriterStoppedError()
        await new Promise((resolve) => setTimeout(resolve, delay))
        if (this.stopping) throw new WriterStoppedError()
        delay = Math.min(maxDelay, delay * 2)
      }
    }
  }

  private setHealthy(healthy: boolean): void {
    if (healthy === this.healthy) return
    this.healthy = healthy
    this.options.onHealthChange?.(healthy)
  }

  /** Stops the age timer and makes a retrying flush give up (its rows stay uncommitted). */
  abort(): void {
    this.stopping = true
    clearInterval(this.timer)
  }

  /** Final flush at shutdown: one attempt cycle; whatever fails stays uncommitted and is redelivered. */
  async shutdown(graceMs = 10_000): Promise<void> {
    clearInterval(this.timer)
    const giveUp = setTimeout(() => (this.stopping = true), graceMs)
    try {
      await this.flush()
    } finally {
      clearTimeout(giveUp)
      this.stopping = true
    }
  }
}
