import type { ExportRecord } from '../../../schemas/export-record.js'

/**
 * One export destination. `send` resolves once the receiver has taken every record of the batch
 * (the exporter then moves the sink's checkpoint) and rejects otherwise; the records carry their
 * event ids, so a batch sent again after a failure is recognisable as a repeat.
 */
export interface Sink {
  readonly name: string
  readonly type: string
  send(records: readonly ExportRecord[]): Promise<void>
  close(): Promise<void>
}

/** A failed send: whether the same batch can succeed later unchanged, and when the receiver asks to retry. */
export interface SendFailure {
  message: string
  retryable: boolean
  retryAfterMs?: number
}

/**
 * What a send's error says about retrying. Errors that carry `retryable` (the HTTP transport's)
 * decide for themselves; anything else (a broker or network outage) is worth another try.
 */
export function sendFailure(err: unknown): SendFailure {
  const { message, retryable, retryAfterMs } = err as {
    message?: unknown
    retryable?: unknown
    retryAfterMs?: unknown
  }
  return {
    message: typeof message === 'string' ? message : String(err),
    retryable: typeof retryable === 'boolean' ? retryable : true,
    ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
  }
}
