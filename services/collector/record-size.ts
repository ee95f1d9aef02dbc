import type { EventError } from './ingest.js'
import type { PreparedEvent } from './prepare.js'

/** Record framing (length, offset and timestamp deltas, attributes) on top of key and value, generously. */
const MESSAGE_OVERHEAD_BYTES = 128

export interface SizedEvents {
  events: PreparedEvent[]
  errors: EventError[]
  /** Records refused for their size (each is also in `errors`, by its index). */
  tooLarge: number
}

/** The bytes one event takes in a Kafka message: its key and value (event messages carry no headers). */
export function messageBytes(event: PreparedEvent): number {
  return MESSAGE_OVERHEAD_BYTES + Buffer.byteLength(event.key) + Buffer.byteLength(event.value)
}

/**
 * Refuses every event whose Kafka message would exceed `maxRecordBytes` (kept under the broker's
 * `message.max.bytes`), by the index of its record: a message the broker refuses would fail the
 * whole send it rides in. The request's other events go on. Errors stay in index order.
 */
export function refuseOversized(
  prepared: { events: PreparedEvent[]; errors: EventError[] },
  maxRecordBytes: number,
): SizedEvents {
  const events: PreparedEvent[] = []
  const refused: EventError[] = []
  const invalid = new Set(prepared.errors.map((e) => e.index))
  for (const event of prepared.events) {
    const bytes = messageBytes(event)
    if (bytes <= maxRecordBytes) events.push(event)
    else
      refused.push({
        index: event.index,
        path: '(record)',
        message: `the event takes ${bytes} bytes in Kafka, over collector.maxRecordBytes (${maxRecordBytes}); shorten its arguments or result, or raise the limit together with the broker's message.max.bytes`,
      })
  }
  if (refused.length === 0) return { ...prepared, tooLarge: 0 }
  const tooLarge = new Set(refused.map((e) => e.index).filter((index) => !invalid.has(index))).size
  const errors = [...prepared.errors, ...refused].sort((a, b) => a.index - b.index)
  return { events, errors, tooLarge }
}
