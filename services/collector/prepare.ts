import { decodeBody, parseBody } from './body.js'
import { ingestRecords, type EventError, type IngestContext } from './ingest.js'

/** One accepted event, ready for Kafka: its key, its serialized envelope, and what the receipt needs. */
export interface PreparedEvent {
  /** Position of the record it came from in the request body. */
  index: number
  key: string
  value: string
  format: string
  eventId: string
  timestamp: string
}

export type PreparedBody =
  | { kind: 'error'; status: 400 | 413 | 415; message: string }
  | { kind: 'ok'; events: PreparedEvent[]; errors: EventError[] }

export interface PrepareInput {
  body: Uint8Array
  contentType: string | undefined
  ctx: IngestContext
}

/**
 * The CPU-heavy part of a request: decode, parse, adapt, validate, derive ids and serialize.
 * A pure function of its input, so it can run on a worker thread (prepare-worker.ts).
 */
export function prepareBody({ body, contentType, ctx }: PrepareInput): PreparedBody {
  const decoded = decodeBody(body)
  if (decoded.kind === 'error') return decoded
  const parsed = parseBody(decoded.text, contentType)
  if (parsed.kind === 'error') return parsed
  const result = ingestRecords(parsed.records, ctx)
  return {
    kind: 'ok',
    errors: result.errors,
    events: result.accepted.map(({ index, key, envelope }) => ({
      index,
      key,
      value: JSON.stringify(envelope),
      format: envelope.format,
      eventId: envelope.event.event_id ?? '',
      timestamp: envelope.event.timestamp,
    })),
  }
}
