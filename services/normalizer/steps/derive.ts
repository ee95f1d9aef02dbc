import { createHash } from 'node:crypto'
import { canonicalJson } from '../../collector/event-id.js'

/**
 * Attributes the normalizer adds to each row so that rules (in the stream and in SQL alike) can see
 * facts the gateway does not send. They overwrite a gateway attribute of the same name.
 *
 * - `local_hour` (`0`–`23`) and `local_weekday` (`1` Monday … `7` Sunday): `occurred_at` in the
 *   tenant's `timezone` (config `tenants[].timezone`, UTC when unset), for off-hours rules. Stored, so
 *   an alert and a report agree on what "off hours" was when the event happened.
 * - `tools_list_hash`: on `tools/list` results, a hash of every tool's name, description and schemas,
 *   computed from the clear result before redaction and truncation (the stored excerpt cannot be
 *   hashed reliably). A changed hash for a known server is a rug pull (rule mcp-tool-definition-changed).
 *   A gateway that fingerprints tools itself may send it; the normalizer keeps that value when the
 *   result holds no `tools` list.
 */
export const DERIVED_ATTRIBUTES = {
  localHour: 'local_hour',
  localWeekday: 'local_weekday',
  toolsListHash: 'tools_list_hash',
} as const

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    // Throws RangeError for an unknown zone: config validation should reject it at start.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hour: 'numeric',
      hourCycle: 'h23',
      weekday: 'short',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

const WEEKDAYS: Record<string, string> = {
  Mon: '1',
  Tue: '2',
  Wed: '3',
  Thu: '4',
  Fri: '5',
  Sat: '6',
  Sun: '7',
}

/** The hour and ISO weekday of `occurredAt` (ISO 8601) in `timeZone` (IANA name). */
export function localTime(
  occurredAt: string,
  timeZone: string,
): { local_hour: string; local_weekday: string } {
  const parts = formatterFor(timeZone).formatToParts(new Date(occurredAt))
  const hour = parts.find((part) => part.type === 'hour')?.value ?? ''
  const weekday = parts.find((part) => part.type === 'weekday')?.value ?? ''
  return { local_hour: String(Number(hour)), local_weekday: WEEKDAYS[weekday] ?? '' }
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

/** The derived attributes of one event, as the normalizer would merge them into the row's attributes. */
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
