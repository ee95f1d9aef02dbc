import type { z } from 'zod'
import { AuditRow } from '../../../schemas/audit-row.js'
import { FINDING_TYPES } from '../../../schemas/redaction.js'

/**
 * What rules may name: the columns of `audit_events` (schemas/audit-row.ts), the materialized
 * `redaction_count`, and keys of the two map columns (`attributes.KEY`, `redaction_findings.TYPE`).
 * The kind of a field decides which operators make sense on it.
 */
export type FieldKind = 'text' | 'number' | 'boolean' | 'list' | 'time' | 'map'

/** Stored as ISO strings in the row but DateTime in ClickHouse: windows and history handle time. */
const TIME_COLUMNS = new Set(['occurred_at', 'received_at', 'ingested_at', 'retention_until'])

function kindOf(name: string, schema: z.ZodType): FieldKind {
  if (TIME_COLUMNS.has(name)) return 'time'
  let type = schema.def.type
  let current = schema
  while (type === 'nullable' || type === 'optional') {
    current = (current.def as unknown as { innerType: z.ZodType }).innerType
    type = current.def.type
  }
  switch (type) {
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'array':
      return 'list'
    case 'record':
      return 'map'
    default:
      return 'text'
  }
}

export const COLUMN_KINDS: ReadonlyMap<string, FieldKind> = new Map([
  ...Object.entries(AuditRow.shape).map(([name, schema]): [string, FieldKind] => [
    name,
    kindOf(name, schema as z.ZodType),
  ]),
  // MATERIALIZED in 0001_audit_events.sql: the sum of redaction_findings.
  ['redaction_count', 'number'],
])

export const MAP_COLUMNS = ['attributes', 'redaction_findings'] as const

export type ResolvedField =
  | { kind: 'column'; name: string; type: FieldKind }
  | { kind: 'attribute'; key: string; type: 'text' }
  | { kind: 'finding'; key: string; type: 'number' }

export type FieldResolution = { ok: true; field: ResolvedField } | { ok: false; message: string }

/** Edit distance, for "did you mean" hints. */
export function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return previous[b.length]!
}

export function closest(word: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
  let best: string | undefined
  let bestDistance = maxDistance + 1
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

const FINDINGS: ReadonlySet<string> = new Set(FINDING_TYPES)

/** Names people reach for, from gateway logs and other rule formats. */
const COLUMN_HINTS: Record<string, string> = {
  tool_name: 'tool',
  server: 'server_name',
  user: 'user_id',
  client: 'client_name',
  ip: 'source_ip',
  src_ip: 'source_ip',
  duration: 'duration_ms',
  latency_ms: 'duration_ms',
  params: 'arguments',
  response: 'result',
  session: 'session_id',
  tenant: 'tenant_id',
  error: 'error_message',
  roles: 'user_roles',
}

export function resolveField(name: string): FieldResolution {
  const dot = name.indexOf('.')
  const column = dot < 0 ? name : name.slice(0, dot)
  const key = dot < 0 ? '' : name.slice(dot + 1)
  if (column === 'attributes') {
    if (key === '')
      return { ok: false, message: 'attributes is a map: name a key, e.g. attributes.tools_list_hash' }
    return { ok: true, field: { kind: 'attribute', key, type: 'text' } }
  }
  if (column === 'redaction_findings') {
    if (FINDINGS.has(key)) return { ok: true, field: { kind: 'finding', key, type: 'number' } }
    const hint = closest(key, FINDINGS, 3)
    return {
      ok: false,
      message: `redaction_findings.${key || 'TYPE'}: ${key ? `unknown finding type ${key}` : 'name a finding type'}${hint ? ` (did you mean ${hint}?)` : ''}; types are ${FINDING_TYPES.join(', ')}`,
    }
  }
  const type = COLUMN_KINDS.get(column)
  if (type === undefined) {
    const hint = COLUMN_HINTS[column] ?? closest(column, COLUMN_KINDS.keys())
    return {
      ok: false,
      message: `unknown field ${name}${hint ? ` (did you mean ${hint}?)` : ''}: use a column of audit_events (${[...COLUMN_KINDS.keys()].join(', ')}), attributes.KEY or redaction_findings.TYPE`,
    }
  }
  if (key !== '') {
    return {
      ok: false,
      message: `${column} is not a map: only attributes.KEY and redaction_findings.TYPE take a key`,
    }
  }
  return { ok: true, field: { kind: 'column', name: column, type } }
}
