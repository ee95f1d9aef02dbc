import { createHash } from 'node:crypto'
import { DERIVED_ATTRIBUTES } from '../../../schemas/audit-row.js'
import { canonicalJson } from '../../platform/canonical-json.js'
import { localParts } from '../../platform/time-zone.js'
import type { NormalizedEvent } from './normalize.js'

/** The hour and ISO weekday of `occurredAt` (ISO 8601) in `timeZone` (IANA name). */
export function localTime(
  occurredAt: string,
  timeZone: string,
): { local_hour: string; local_weekday: string } {
  const local = localParts(new Date(occurredAt), timeZone)
  // The weekday of the local calendar date; getUTCDay counts Sunday as 0, ISO as 7.
  const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay() || 7
  return {
    [DERIVED_ATTRIBUTES.localHour]: String(local.hour),
    [DERIVED_ATTRIBUTES.localWeekday]: String(weekday),
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The fingerprint of a `tools/list` result (`{ tools: [...] }`): 16 hex characters of a SHA-256 over
 * the tools sorted by name, each with the parts a client shows the model. Undefined when the result
 * holds no tool list.
 */
export function toolsListHash(result: unknown): string | undefined {
  if (!isObject(result) || !Array.isArray(result.tools)) return undefined
  const tools = result.tools
    .filter(isObject)
    .map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema,
      annotations: tool.annotations,
    }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)))
  return createHash('sha256').update(canonicalJson(tools)).digest('hex').slice(0, 16)
}

/** The derived attributes of one event (schemas/audit-row.ts `DERIVED_ATTRIBUTES` says what each means). */
export function derivedAttributes(
  event: { occurredAt: string; method: string; result: unknown },
  timeZone: string,
): Record<string, string> {
  const attributes: Record<string, string> = { ...localTime(event.occurredAt, timeZone) }
  if (event.method === 'tools/list') {
    const hash = toolsListHash(event.result)
    if (hash !== undefined) attributes[DERIVED_ATTRIBUTES.toolsListHash] = hash
  }
  return attributes
}

/**
 * normalize → derive → redact: the event's attributes gain the derived ones, computed from the
 * clear result before the redact step cuts it. `timeZone` is the tenant's (UTC when unset).
 */
export function deriveEvent(event: NormalizedEvent, timeZone: string): NormalizedEvent {
  const { row, clear } = event
  const derived = derivedAttributes(
    { occurredAt: row.occurred_at, method: row.method, result: clear.result },
    timeZone,
  )
  return { row, clear: { ...clear, attributes: { ...clear.attributes, ...derived } } }
}
