import type { AuditRow } from '../../../schemas/audit-row.js'
import type { Condition, FieldCondition } from '../../../schemas/rules.js'
import { resolveField as resolveRuleField } from '../rules/fields.js'
import { parseCidr } from '../rules/ip.js'

/**
 * Rule conditions as ClickHouse boolean expressions. Values never enter the SQL text: each becomes a
 * `{pN:Type}` query parameter, and field names are checked against the columns of `audit_events`
 * before they are written. The semantics mirror the in-stream matcher (services/detector/rules/
 * match.ts), so a rule means the same in the stream and in a window:
 * - text comparisons ignore case unless `case_sensitive`; a number compares numerically, also
 *   against text that holds a number; `attributes.KEY` is '' and `redaction_findings.TYPE` 0 when absent;
 * - every operator of one condition must hold; a list of values means any of them;
 * - a comparison on a NULL value is false and `not` negates that false (each expression is non-NULL);
 * - on the list column (user_roles) a condition holds when one element satisfies all its operators;
 * - `exists: true` means set and not empty.
 */

export class RuleCompileError extends Error {
  readonly retryable = false
  constructor(message: string) {
    super(message)
    this.name = 'RuleCompileError'
  }
}

/** Collects query parameters; `add` returns the placeholder to put in the SQL. */
export class QueryParams {
  readonly values: Record<string, unknown> = {}
  private next = 0

  add(type: string, value: unknown): string {
    const name = `p${this.next++}`
    this.values[name] = value
    return `{${name}:${type}}`
  }

  /** A time as a DateTime64(3, 'UTC') expression (epoch milliseconds keep the milliseconds exact). */
  time(at: Date | number): string {
    const ms = typeof at === 'number' ? at : at.getTime()
    return `fromUnixTimestamp64Milli(${this.add('Int64', ms)}, 'UTC')`
  }
}

type ColumnKind =
  | 'text'
  | 'enum'
  | 'number'
  | 'nullable_number'
  | 'bool'
  | 'nullable_bool'
  | 'time'
  | 'date'
  | 'array'
  | 'map'

type FieldKind = Exclude<ColumnKind, 'map'> | 'attribute' | 'finding'

/** How each column of audit_events is stored (schemas/clickhouse/0001_audit_events.sql). */
const STORED_COLUMNS: Record<keyof AuditRow, ColumnKind> = {
  tenant_id: 'text',
  event_id: 'text',
  schema_version: 'number',
  occurred_at: 'time',
  received_at: 'time',
  ingested_at: 'time',
  gateway: 'text',
  gateway_format: 'text',
  method: 'text',
  server_name: 'text',
  server_version: 'text',
  server_transport: 'text',
  tool: 'text',
  resource_uri: 'text',
  prompt: 'text',
  session_id: 'text',
  request_id: 'text',
  trace_id: 'text',
  client_name: 'text',
  client_version: 'text',
  user_id: 'text',
  user_id_kind: 'enum',
  user_roles: 'array',
  auth_method: 'text',
  source_ip: 'text',
  user_agent: 'text',
  arguments: 'text',
  arguments_bytes: 'number',
  arguments_truncated: 'bool',
  result: 'text',
  result_bytes: 'number',
  result_truncated: 'bool',
  status: 'enum',
  error_class: 'text',
  error_code: 'nullable_number',
  error_message: 'text',
  duration_ms: 'nullable_number',
  decision: 'text',
  data_region: 'text',
  tls: 'nullable_bool',
  attributes: 'map',
  redaction_findings: 'map',
  retention_until: 'date',
  source_partition: 'number',
  source_offset: 'number',
  origin: 'enum',
  content_hash: 'text',
}

const COLUMNS: Readonly<Record<string, ColumnKind>> = {
  ...STORED_COLUMNS,
  // MATERIALIZED: the sum of redaction_findings.
  redaction_count: 'number',
}

/** A field resolved to the SQL that reads it (map keys already bound as parameters). */
interface FieldRef {
  field: string
  kind: FieldKind
  sql: string
}

/**
 * Checks the name the way rule validation does (services/detector/rules/fields.ts: same fields,
 * same messages), then reads it from the column or map entry.
 */
function resolveField(field: string, params: QueryParams): FieldRef {
  const checked = resolveRuleField(field)
  if (!checked.ok) throw new RuleCompileError(`field "${field}": ${checked.message}`)
  const resolved = checked.field
  if (resolved.kind === 'attribute') {
    return { field, kind: 'attribute', sql: `attributes[${params.add('String', resolved.key)}]` }
  }
  if (resolved.kind === 'finding') {
    return { field, kind: 'finding', sql: `redaction_findings[${params.add('String', resolved.key)}]` }
  }
  const kind = Object.hasOwn(COLUMNS, resolved.name) ? COLUMNS[resolved.name] : undefined
  if (kind === undefined || kind === 'map') {
    throw new RuleCompileError(
      `field "${field}": not a column this compiler knows; name a column or a map key`,
    )
  }
  return { field, kind, sql: resolved.name }
}

/** The field as a non-NULL String, as the in-stream matcher sees it (`String(value)`, times in ISO 8601). */
function textOf(ref: FieldRef): string {
  const { sql, kind } = ref
  switch (kind) {
    case 'text':
    case 'attribute':
      return sql
    case 'enum':
    case 'number':
    case 'bool':
    case 'date':
    case 'finding':
      return `toString(${sql})`
    case 'nullable_number':
    case 'nullable_bool':
      return `ifNull(toString(${sql}), '')`
    case 'time':
      return `concat(substring(formatDateTime(${sql}, '%Y-%m-%dT%H:%i:%S.%f', 'UTC'), 1, 23), 'Z')`
    case 'array':
      return `arrayStringConcat(arraySort(${sql}), ',')`
  }
}

/** The field as a Nullable(Float64); text that is not a number is NULL (and so compares false). */
function numberOf(ref: FieldRef): string {
  const { sql, kind } = ref
  switch (kind) {
    case 'number':
    case 'nullable_number':
    case 'bool':
    case 'nullable_bool':
    case 'finding':
      return `toFloat64(${sql})`
    case 'text':
    case 'enum':
    case 'attribute':
      return `toFloat64OrNull(trimBoth(${textOf(ref)}))`
    case 'time':
    case 'date':
    case 'array':
      throw new RuleCompileError(
        `field "${ref.field}" is not a number: compare a numeric column (duration_ms, error_code, arguments_bytes, …), redaction_findings.TYPE or an attribute holding a number`,
      )
  }
}

function existsOf(ref: FieldRef): string {
  const { sql, kind } = ref
  switch (kind) {
    case 'text':
    case 'attribute':
      return `${sql} != ''`
    case 'nullable_number':
    case 'nullable_bool':
      return `isNotNull(${sql})`
    case 'array':
      return `notEmpty(${sql})`
    case 'finding':
      return `${sql} > 0`
    case 'enum':
    case 'number':
    case 'bool':
    case 'time':
    case 'date':
      return '1'
  }
}

function isNumeric(ref: FieldRef): boolean {
  return ref.kind === 'number' || ref.kind === 'nullable_number' || ref.kind === 'finding'
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value]
}

function anyOf(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`
}

function allOf(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`
}

/** A number written as text the way JavaScript's Number() reads it, or undefined. */
function numberFromText(text: string): number | undefined {
  if (text.trim() === '') return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

/** The lambda variable for elements of the list column. */
const ELEMENT = 'element'

/** The value under test: the field itself, or one element of the list column. */
interface View {
  text: () => string
  number: () => string
}

/** Regexes of our own (not rule values) that take an address as gateways log it to its bare form. */
const ADDRESS_REWRITES: ReadonlyArray<[string, string]> = [
  [String.raw`^\[([^\]]*)\].*$`, String.raw`\1`], // [addr] or [addr]:port
  ['%.*$', ''], // zone: fe80::1%eth0
  [String.raw`^(\d{1,3}(\.\d{1,3}){3}):\d+$`, String.raw`\1`], // IPv4 with a port
  [String.raw`^::ffff:(\d{1,3}(\.\d{1,3}){3})$`, String.raw`\1`], // IPv4-mapped IPv6 counts as IPv4
]

function networkParam(text: string, field: string, params: QueryParams): string {
  const network = parseCidr(text)
  if ('error' in network) throw new RuleCompileError(`field "${field}": ${network.error}`)
  // ClickHouse wants a prefix length; a bare address is a /32 or /128.
  const cidr = text.includes('/') ? text : `${text}/${network.version === 4 ? 32 : 128}`
  return params.add('String', cidr)
}

function fieldCondition(c: FieldCondition, params: QueryParams): string {
  const ref = resolveField(c.field, params)
  const fold = (text: string) => (c.case_sensitive ? text : `lowerUTF8(${text})`)
  const checks: Array<(view: View) => string> = []

  const equalsOne = (expected: string | number | boolean) => (view: View) => {
    if (typeof expected === 'boolean')
      return `lowerUTF8(${view.text()}) = ${params.add('String', String(expected))}`
    if (typeof expected === 'number')
      return `ifNull(${view.number()} = ${params.add('Float64', expected)}, 0)`
    if (isNumeric(ref)) {
      const wanted = numberFromText(expected)
      return wanted === undefined ? '0' : `ifNull(${view.number()} = ${params.add('Float64', wanted)}, 0)`
    }
    return `${fold(view.text())} = ${fold(params.add('String', expected))}`
  }
  const equalsAny = (values: Array<string | number | boolean>) => (view: View) => {
    const texts = values.filter((v): v is string => typeof v === 'string')
    if (isNumeric(ref) || texts.length < 2) return anyOf(values.map((v) => equalsOne(v)(view)))
    const others = values.filter((v) => typeof v !== 'string').map((v) => equalsOne(v)(view))
    const options = c.case_sensitive
      ? params.add('Array(String)', texts)
      : `arrayMap(v -> lowerUTF8(v), ${params.add('Array(String)', texts)})`
    return anyOf([`has(${options}, ${fold(view.text())})`, ...others])
  }
  const textAny = (needles: string[], test: (text: string, needle: string) => string) => (view: View) =>
    anyOf(needles.map((needle) => test(view.text(), params.add('String', needle))))

  if (c.equals !== undefined) checks.push(equalsAny([c.equals]))
  if (c.in !== undefined) checks.push(equalsAny(c.in))
  if (c.contains !== undefined) {
    checks.push(
      textAny(list(c.contains), (text, needle) =>
        c.case_sensitive
          ? `position(${text}, ${needle}) > 0`
          : `positionCaseInsensitiveUTF8(${text}, ${needle}) > 0`,
      ),
    )
  }
  if (c.startswith !== undefined) {
    checks.push(textAny(list(c.startswith), (text, needle) => `startsWith(${fold(text)}, ${fold(needle)})`))
  }
  if (c.endswith !== undefined) {
    checks.push(textAny(list(c.endswith), (text, needle) => `endsWith(${fold(text)}, ${fold(needle)})`))
  }
  if (c.regex !== undefined) {
    // The rule checks (services/detector/rules/regex.ts) refuse inline flags, so this prefix is the only one.
    const pattern = c.case_sensitive ? c.regex : `(?i)${c.regex}`
    checks.push((view) => `match(${view.text()}, ${params.add('String', pattern)})`)
  }
  if (c.cidr !== undefined) {
    const networks = list(c.cidr).map((network) => networkParam(network, c.field, params))
    checks.push((view) => {
      let address = `trimBoth(${view.text()})`
      for (const [pattern, replacement] of ADDRESS_REWRITES) {
        address = `replaceRegexpOne(${address}, ${params.add('String', pattern)}, ${params.add('String', replacement)})`
      }
      // isIPAddressInRange throws on text that is not an address (a hashed or empty source_ip).
      const valid = `(isIPv4String(${address}) OR isIPv6String(${address}))`
      const safe = `if(${valid}, ${address}, '::')`
      return `(${valid} AND ${anyOf(networks.map((network) => `isIPAddressInRange(${safe}, ${network})`))})`
    })
  }
  for (const [bound, op] of [
    [c.gt, '>'],
    [c.gte, '>='],
    [c.lt, '<'],
    [c.lte, '<='],
  ] as const) {
    if (bound !== undefined)
      checks.push((view) => `ifNull(${view.number()} ${op} ${params.add('Float64', bound)}, 0)`)
  }

  const parts: string[] = []
  if (c.exists !== undefined) {
    const exists = existsOf(ref)
    parts.push(c.exists ? `(${exists})` : `NOT (${exists})`)
  }
  if (checks.length > 0) {
    if (ref.kind === 'array') {
      const element: View = { text: () => ELEMENT, number: () => `toFloat64OrNull(trimBoth(${ELEMENT}))` }
      parts.push(`arrayExists(${ELEMENT} -> ${allOf(checks.map((check) => check(element)))}, ${ref.sql})`)
    } else {
      const scalar: View = { text: () => textOf(ref), number: () => numberOf(ref) }
      const test = allOf(checks.map((check) => check(scalar)))
      const nullable = ref.kind === 'nullable_number' || ref.kind === 'nullable_bool'
      parts.push(nullable ? `(isNotNull(${ref.sql}) AND ${test})` : test)
    }
  }
  return allOf(parts)
}

/** A rule condition as a ClickHouse UInt8 expression over one row of audit_events. */
export function compileCondition(condition: Condition, params: QueryParams): string {
  if ('all' in condition) return `(${condition.all.map((c) => compileCondition(c, params)).join(' AND ')})`
  if ('any' in condition) return `(${condition.any.map((c) => compileCondition(c, params)).join(' OR ')})`
  if ('not' in condition) return `(NOT ${compileCondition(condition.not, params)})`
  return fieldCondition(condition, params)
}

/** A group-by field as a String expression (the value that goes into an alert's group). */
export function groupValueOf(field: string, params: QueryParams): string {
  return textOf(resolveField(field, params))
}

/** A field as a Nullable(Float64) expression (quantiles). */
export function numericValueOf(field: string, params: QueryParams): string {
  return numberOf(resolveField(field, params))
}
