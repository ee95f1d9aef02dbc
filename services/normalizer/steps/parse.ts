import { RawEnvelope } from '../../../schemas/raw-envelope.js'
import { isPlainRawEnvelope } from '../../../schemas/raw-envelope-check.js'
import type { StepResult } from './results.js'

/** Most characters of a bad message quoted in a DLQ reason. */
const MAX_REASON_CHARS = 500

/** A message value from `mcp.audit.raw` → the collector's envelope, or a reason for the DLQ. */
export function parseMessage(value: Buffer | string | null): StepResult<RawEnvelope> {
  if (value === null || value.length === 0) return { kind: 'dlq', reason: 'empty message value' }
  let json: unknown
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'))
  } catch (err) {
    // V8 quotes the offending text in its message; a reason must not carry message content.
    const position = /position (\d+)/.exec((err as Error).message)?.[1]
    return { kind: 'dlq', reason: position ? `not JSON (syntax error at position ${position})` : 'not JSON' }
  }
  // The collector validated every event already; a message as it wrote it passes the structural
  // check, which reads it in place. Anything else (another writer, a key the schema strips, garbage)
  // goes through the zod parse, which decides and says why.
  if (isPlainRawEnvelope(json)) return { kind: 'ok', value: json }
  const parsed = RawEnvelope.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')
    return { kind: 'dlq', reason: `not a raw envelope v1: ${issues}`.slice(0, MAX_REASON_CHARS) }
  }
  return { kind: 'ok', value: parsed.data }
}
