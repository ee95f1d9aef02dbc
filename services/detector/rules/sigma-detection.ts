import type { Condition, FieldCondition } from '../../../schemas/rules.js'
import { resolveField } from './fields.js'
import { parseSigmaCondition, type ConditionNode } from './sigma-condition.js'
import { SIGMA_FIELD_MAP, SIGMA_JSON_PARENTS } from './sigma-fields.js'

/** A Sigma `detection` block as a single-event condition, or the reasons it cannot be one. */
export interface DetectionConversion {
  condition?: Condition
  problems: string[]
  notes: string[]
}

type SigmaValue = string | number | boolean | null
type Piece = { literal: string } | { wildcard: '*' | '?' }
type MappedField = { field: string; jsonKey?: string }

const SUPPORTED_MODIFIERS = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'i',
  'cidr',
  'cased',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
])
const STATUS_VALUES: Record<string, string> = {
  success: 'success',
  succeeded: 'success',
  failure: 'error',
  failed: 'error',
  error: 'error',
  denied: 'denied',
  blocked: 'denied',
  deny: 'denied',
  timeout: 'timeout',
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Sigma wildcards: `*` any run, `?` one character, `\*` `\?` `\\` literals. */
function pieces(value: string): Piece[] {
  const out: Piece[] = []
  let literal = ''
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!
    const next = value[i + 1]
    if (char === '\\' && (next === '*' || next === '?' || next === '\\')) {
      literal += next
      i++
    } else if (char === '*' || char === '?') {
      if (literal) out.push({ literal })
      literal = ''
      out.push({ wildcard: char })
    } else {
      literal += char
    }
  }
  if (literal) out.push({ literal })
  return out
}

function mapField(name: string): MappedField | string {
  if (resolveField(name).ok) return { field: name }
  const mapped = SIGMA_FIELD_MAP[name.toLowerCase()]
  if (mapped) return { field: mapped }
  const lower = name.toLowerCase()
  for (const [parent, column] of Object.entries(SIGMA_JSON_PARENTS)) {
    if (lower.startsWith(`${parent}.`))
      return { field: column, jsonKey: name.slice(name.lastIndexOf('.') + 1) }
  }
  return `unknown field ${name}: it maps to no audit_events column (see "Importing Sigma rules" in rules/README.md for the names understood)`
}

export function mapSigmaField(name: string): string | undefined {
  const mapped = mapField(name)
  return typeof mapped === 'string' || mapped.jsonKey ? undefined : mapped.field
}

/** One value of a field with its modifiers, as a condition on the stored row. */
function valueCondition(
  target: MappedField,
  value: SigmaValue,
  modifiers: Set<string>,
  cased: boolean,
): FieldCondition | string {
  const { field, jsonKey } = target
  const base = { field, case_sensitive: cased }
  if (value === null)
    return jsonKey ? `${field}.${jsonKey}: null cannot be matched inside JSON` : { ...base, exists: false }
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (modifiers.has(op))
      return typeof value === 'number'
        ? { ...base, [op]: value }
        : `|${op} needs a number, got ${String(value)}`
  }
  if (modifiers.has('cidr'))
    return jsonKey ? '|cidr inside the arguments JSON is not supported' : { ...base, cidr: String(value) }
  if (modifiers.has('re')) {
    const regex = String(value)
    if (!jsonKey) return { field, regex, case_sensitive: !modifiers.has('i') }
    // Anchors of a sub-field regex stand for the ends of the JSON string value under the key.
    const start = regex.startsWith('^')
    const end = regex.endsWith('$') && !regex.endsWith('\\$')
    const inner = regex.slice(start ? 1 : 0, end ? -1 : undefined)
    const prefix = start ? escapeRegex(`"${jsonKey}":"`) : ''
    return { field, regex: `${prefix}${inner}${end ? '"' : ''}`, case_sensitive: !modifiers.has('i') }
  }
  if (typeof value !== 'string') {
    if (jsonKey) return { ...base, contains: `"${jsonKey}":${JSON.stringify(value)}` }
    return { ...base, equals: value }
  }
  const parts = pieces(value)
  if (modifiers.has('contains') || modifiers.has('endswith')) parts.unshift({ wildcard: '*' })
  if (modifiers.has('contains') || modifiers.has('startswith')) parts.push({ wildcard: '*' })
  const literals = parts.filter((p): p is { literal: string } => 'literal' in p)
  const starAt = (index: number) => {
    const part = parts.at(index)
    return part !== undefined && 'wildcard' in part && part.wildcard === '*'
  }
  if (jsonKey) {
    // Stored arguments are compact JSON: a value under a key reads "key":"value".
    const json = (text: string) => JSON.stringify(text).slice(1, -1)
    const prefix = `"${jsonKey}":"`
    if (literals.length === parts.length) return { ...base, contains: `${prefix}${json(value)}"` }
    if (parts.length === 2 && 'literal' in parts[0]! && starAt(1))
      return { ...base, contains: `${prefix}${json(parts[0].literal)}` }
    // A trailing * needs no regex: the string's closing quote follows in valid JSON. Leaving it out
    // keeps the regex linear (two runs of string characters around a literal can share it out).
    const open = starAt(-1)
    const body = (open ? parts.slice(0, -1) : parts)
      .map((p) =>
        'literal' in p
          ? escapeRegex(json(p.literal))
          : p.wildcard === '*'
            ? '(?:[^"\\\\]|\\\\.)*'
            : '(?:[^"\\\\]|\\\\.)',
      )
      .join('')
    return { ...base, regex: `${escapeRegex(prefix)}${body}${open ? '' : '"'}` }
  }
  if (parts.length === 0) return { ...base, equals: '' }
  if (literals.length === parts.length) return { ...base, equals: value }
  if (parts.length === 3 && starAt(0) && starAt(2) && 'literal' in parts[1]!)
    return { ...base, contains: parts[1].literal }
  if (parts.length === 2 && starAt(1) && 'literal' in parts[0]!)
    return { ...base, startswith: parts[0].literal }
  if (parts.length === 2 && starAt(0) && 'literal' in parts[1]!)
    return { ...base, endswith: parts[1].literal }
  if (parts.every((p) => 'wildcard' in p && p.wildcard === '*')) return { ...base, exists: true }
  const body = parts
    .map((p) => ('literal' in p ? escapeRegex(p.literal) : p.wildcard === '*' ? '.*' : '.'))
    .join('')
  return { ...base, regex: `^${body}$` }
}

function fieldEntry(key: string, raw: unknown, notes: Set<string>): Condition | string {
  const [name = '', ...modifierList] = key.split('|')
  const modifiers = new Set(modifierList.map((m) => m.toLowerCase()))
  const unsupported = [...modifiers].filter((m) => !SUPPORTED_MODIFIERS.has(m))
  if (unsupported.length > 0)
    return `${key}: modifier ${unsupported.map((m) => `|${m}`).join(', ')} is not supported`
  if (modifiers.has('re') && (modifierList.includes('m') || modifierList.includes('s')))
    return `${key}: regex flags |m and |s are not supported`
  const target = mapField(name)
  if (typeof target === 'string') return target
  if (target.jsonKey)
    notes.add(`${name} is matched under any key named ${target.jsonKey} in the stored ${target.field} JSON`)
  if (target.field === 'source_ip')
    notes.add(
      'source_ip is stored hashed unless redaction.ipMode is keep (or truncate, for /24 and wider networks)',
    )
  const values: unknown[] = Array.isArray(raw) ? raw : [raw]
  if (values.length === 0) return `${key}: an empty list matches nothing`
  if (modifiers.has('exists')) {
    return typeof raw === 'boolean'
      ? { field: target.field, exists: raw, case_sensitive: false }
      : `${key}: |exists takes true or false`
  }
  if (target.field === 'user_id' && values.some((v) => v !== null)) {
    return `${key}: user ids are stored as keyed pseudonyms, so a Sigma value never matches; match on user_roles or group by the user instead`
  }
  const conditions: Condition[] = []
  for (const value of values) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
      return `${key}: values must be text, numbers or booleans`
    let converted = value as SigmaValue
    if (target.field === 'status' && typeof value === 'string') {
      const status = STATUS_VALUES[value.toLowerCase()]
      if (!status) return `${key}: status is one of success, error, denied or timeout, not ${value}`
      converted = status
    }
    const condition = valueCondition(target, converted, modifiers, modifiers.has('cased'))
    if (typeof condition === 'string') return `${key}: ${condition}`
    conditions.push(condition)
  }
  if (conditions.length === 1) return conditions[0]!
  if (modifiers.has('all')) return { all: conditions }
  return mergeAlternatives(conditions as FieldCondition[]) ?? { any: conditions }
}

const LIST_OPERATORS = ['contains', 'startswith', 'endswith', 'equals'] as const

/** `tool|contains: [a, b]` reads best as one condition with a list, as it was written. */
function mergeAlternatives(conditions: FieldCondition[]): FieldCondition | undefined {
  const [first] = conditions
  if (!first) return undefined
  const operator = LIST_OPERATORS.find((op) => first[op] !== undefined)
  const single = (c: FieldCondition) =>
    Object.keys(c).filter((key) => key !== 'field' && key !== 'case_sensitive')
  const same = conditions.every(
    (c) =>
      c.field === first.field &&
      c.case_sensitive === first.case_sensitive &&
      operator &&
      c[operator] !== undefined &&
      single(c).length === 1,
  )
  if (!operator || !same) return undefined
  const values = conditions.map((c) => c[operator]) as Array<string | number | boolean>
  if (operator === 'equals') return { field: first.field, case_sensitive: first.case_sensitive, in: values }
  return { field: first.field, case_sensitive: first.case_sensitive, [operator]: values as string[] }
}

function selection(name: string, raw: unknown, notes: Set<string>): Condition | string[] {
  const maps: unknown[] = Array.isArray(raw) ? raw : [raw]
  if (maps.length === 0) return [`selection ${name} is empty`]
  if (maps.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
    return [
      `selection ${name}: keyword lists (values without a field) are not supported; name the field, e.g. arguments|contains`,
    ]
  }
  const problems: string[] = []
  const alternatives: Condition[] = []
  for (const map of maps as Array<Record<string, unknown>>) {
    const parts: Condition[] = []
    for (const [key, value] of Object.entries(map)) {
      const converted = fieldEntry(key, value, notes)
      if (typeof converted === 'string') problems.push(`selection ${name}: ${converted}`)
      else parts.push(converted)
    }
    if (parts.length === 0) continue
    alternatives.push(parts.length === 1 ? parts[0]! : { all: parts })
  }
  if (problems.length > 0) return problems
  if (alternatives.length === 0) return [`selection ${name} is empty`]
  return alternatives.length === 1 ? alternatives[0]! : { any: alternatives }
}

function build(node: ConditionNode, selections: Map<string, Condition>): Condition {
  switch (node.kind) {
    case 'ref':
      return selections.get(node.name)!
    case 'not':
      return { not: build(node.part, selections) }
    case 'and':
      return { all: node.parts.map((part) => build(part, selections)) }
    case 'or':
      return { any: node.parts.map((part) => build(part, selections)) }
  }
}

export function convertDetection(detection: unknown): DetectionConversion {
  const problems: string[] = []
  const notes = new Set<string>()
  if (typeof detection !== 'object' || detection === null || Array.isArray(detection)) {
    return { problems: ['detection must be a mapping of selections and a condition'], notes: [] }
  }
  const { condition, timeframe, ...named } = detection as Record<string, unknown>
  if (timeframe !== undefined)
    problems.push('timeframe (a Sigma v1 aggregation window) is not supported; use a correlation rule')
  const selections = new Map<string, Condition>()
  for (const [name, raw] of Object.entries(named)) {
    const converted = selection(name, raw, notes)
    if (Array.isArray(converted)) problems.push(...converted)
    else selections.set(name, converted)
  }
  const expressions = Array.isArray(condition) ? condition : [condition]
  if (expressions.some((e) => typeof e !== 'string') || expressions.length === 0) {
    problems.push('detection.condition must be a string such as "selection and not filter"')
  }
  if (problems.length > 0) return { problems, notes: [...notes] }
  const nodes: ConditionNode[] = []
  for (const expression of expressions as string[]) {
    const parsed = parseSigmaCondition(expression, Object.keys(named))
    if (!parsed.ok) return { problems: [`condition: ${parsed.message}`], notes: [...notes] }
    nodes.push(parsed.node)
  }
  const tree = nodes.length === 1 ? nodes[0]! : { kind: 'or' as const, parts: nodes }
  return { condition: simplify(build(tree, selections)), problems, notes: [...notes] }
}

/** Flattens nested all/any of the same kind, for rules a person reads. */
function simplify(condition: Condition): Condition {
  if ('all' in condition || 'any' in condition) {
    const key = 'all' in condition ? 'all' : 'any'
    const parts = ('all' in condition ? condition.all : condition.any).map(simplify)
    const flat = parts.flatMap((part) =>
      key in part ? (part as Record<typeof key, Condition[]>)[key] : [part],
    )
    return flat.length === 1 ? flat[0]! : ({ [key]: flat } as Condition)
  }
  if ('not' in condition) return { not: simplify(condition.not) }
  return condition
}
