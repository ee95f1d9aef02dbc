import type { ExportRecord, RecordKind } from '../../schemas/export-record.js'

/**
 * One kind of record a sink receives, read from its own durable position (events: position.ts,
 * alerts and reports: notice-stream.ts). The sink's runner owns sending, failures and backoff, so
 * a receiver that is down pauses every kind of that sink together and no other sink.
 */

/** Sends a batch; false when the sink refused it (the runner has recorded the failure). */
export type Deliver = (kind: RecordKind, records: readonly ExportRecord[]) => Promise<boolean>

/** What one pass of a stream did: `more` when it sent a full batch and the next may be waiting. */
export type PassOutcome = 'idle' | 'sent' | 'more' | 'failed'

export interface RecordStream {
  readonly kind: RecordKind
  /** Reads past the position and sends; `paused()` is true while the sink waits after a failure. */
  pass(deliver: Deliver, paused: () => boolean): Promise<PassOutcome>
  /** Saves what was passed without a send (on stop). */
  flush(): Promise<void>
  /** Records committed to the stream and not yet passed, when known (events only). */
  lag(): number | undefined
  /** Why the stream cannot progress on its own (the operator must act), or undefined. */
  blocked(): string | undefined
}
