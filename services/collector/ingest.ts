import { randomUUID } from 'node:crypto'
import { GenericEvent } from '../../schemas/event.js'
import { RAW_ENVELOPE_VERSION, type RawEnvelope } from '../../schemas/raw-envelope.js'
import { isReservedServerName, SELF_AUDIT_SERVER } from '../platform/self-audit.js'
import { adapterFor, detectFormat } from './adapters/index.js'
import type { AdapterContext, AdapterName } from './adapters/types.js'
import type { ParsedRecord } from './body.js'
import { deriveEventId, partitionKey } from './event-id.js'

export interface IngestContext extends AdapterContext {
  tenantId: string
  /** The name of the ingest token: which gateway sent the batch. */
  gateway: string
  /** The format named by `?format=` (or the endpoint); detected per record when absent. */
  format?: AdapterName
}

export interface EventError {
  /** Position of the record in the request body (array element or NDJSON line). */
  index: number
  path: string
  message: string
}

export interface AcceptedEvent {
  /** Position of the record it came from in the request body. */
  index: number
  key: string
  envelope: RawEnvelope
}

export interface IngestResult {
  accepted: AcceptedEvent[]
  errors: EventError[]
}

function issuePath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  const own = path.map(String).join('.')
  return [prefix, own].filter(Boolean).join('.') || '(event)'
}

/**
 * Adapts and validates every record on its own: a bad record is reported with its index, path and
 * reason, and never stops the records beside it.
 */
export function ingestRecords(records: readonly ParsedRecord[], ctx: IngestContext): IngestResult {
  const accepted: AcceptedEvent[] = []
  const errors: EventError[] = []
  records.forEach((record, index) => {
    if (record.kind === 'unparsable') {
      errors.push({ index, path: '(record)', message: record.message })
      return
    }
    const format = ctx.format ?? detectFormat(record.value)
    const adapter = adapterFor(format)
    const outcome = adapter.adapt(record.value, ctx)
    if (outcome.kind === 'invalid') {
      errors.push({
        index,
        path: outcome.path || '(record)',
        message: `${outcome.message} (format ${format})`,
      })
      return
    }
    if (outcome.events.length === 0) {
      errors.push({ index, path: '(record)', message: `the ${format} record holds no MCP event` })
      return
    }
    const many = outcome.events.length > 1
    outcome.events.forEach((candidate, position) => {
      const prefix = many ? `events.${position}` : ''
      const parsed = GenericEvent.safeParse(candidate)
      if (!parsed.success) {
        for (const issue of parsed.error.issues.slice(0, 5)) {
          errors.push({ index, path: issuePath(prefix, issue.path), message: issue.message })
        }
        return
      }
      const event = parsed.data
      // mcp-audit's own trail is written by mcp-audit alone: a gateway's record under its name
      // would pass for evidence that reports were reviewed.
      if (isReservedServerName(event.server.name)) {
        errors.push({
          index,
          path: issuePath(prefix, ['server', 'name']),
          message: `server name "${SELF_AUDIT_SERVER}" is reserved for mcp-audit's own audit trail; name the MCP server the gateway called`,
        })
        return
      }
      // Records without a time of their own cannot be told from a retry anyway (the time is the
      // receipt's), and identical calls received in the same millisecond must stay two events.
      event.event_id ??= adapter.timeFromReceipt ? randomUUID() : deriveEventId(ctx.tenantId, event)
      const envelope: RawEnvelope = {
        v: RAW_ENVELOPE_VERSION,
        tenant_id: ctx.tenantId,
        gateway: ctx.gateway,
        format,
        received_at: ctx.receivedAt,
        event,
      }
      accepted.push({ index, key: partitionKey(ctx.tenantId, event), envelope })
    })
  })
  return { accepted, errors }
}
