import type { z } from 'zod'
import { closest } from './fields.js'

/**
 * zod issues → messages a rule author can act on: the key, what it must be, and what was there.
 * Unions (conditions, scalars) are reduced to the branch the input was evidently aiming at.
 */
export interface PathMessage {
  path: Array<string | number>
  message: string
}

type Issue = z.core.$ZodIssue

/** Every key the rule format knows, for "did you mean" hints. */
const VOCABULARY = [
  'id',
  'title',
  'description',
  'severity',
  'tags',
  'enabled',
  'exceptions',
  'suppress',
  'references',
  'match',
  'threshold',
  'new_term',
  'sequence',
  'absence',
  'where',
  'group_by',
  'window',
  'aggregate',
  'op',
  'value',
  'min_count',
  'fields',
  'history',
  'skip_new_groups',
  'by',
  'maxspan',
  'steps',
  'name',
  'min_history_count',
  'duration',
  'type',
  'field',
  'numerator',
  'q',
  'equals',
  'in',
  'contains',
  'startswith',
  'endswith',
  'regex',
  'cidr',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'case_sensitive',
  'all',
  'any',
  'not',
]

/** Names from other rule formats that a Sigma, Elastic or Falco author will reach for. */
const FOREIGN_KEYS: Record<string, string> = {
  level: 'severity',
  priority: 'severity',
  condition: 'match',
  detection: 'match',
  selection: 'match',
  re: 'regex',
  'group-by': 'group_by',
  timespan: 'window',
  timeframe: 'window',
  new_terms: 'new_term',
  and: 'all',
  or: 'any',
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  return typeof value
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
}

const isMissing = (issue: Issue): boolean => issue.code === 'invalid_type' && issue.input === undefined

/** How far a union branch is from the input: unknown or missing keys at its root mean "wrong branch". */
function branchDistance(issues: Issue[]): number {
  return issues.reduce((sum, issue) => {
    const atRoot = issue.path.length <= 1
    return (
      sum +
      ((issue.code === 'unrecognized_keys' && issue.path.length === 0) || (isMissing(issue) && atRoot)
        ? 10
        : 1)
    )
  }, 0)
}

function flatten(issues: readonly Issue[], prefix: Array<string | number>): Issue[] {
  const out: Issue[] = []
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as Array<string | number>)]
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      out.push({ ...issue, path })
      continue
    }
    const rootTypeErrors = issue.errors.every(
      (branch) => branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0].path.length === 0,
    )
    if (rootTypeErrors) {
      const expected = [
        ...new Set(issue.errors.map((branch) => (branch[0] as { expected: string }).expected)),
      ]
      const names = expected.map((type) => TYPE_NAMES[type] ?? type)
      const input = (issue.errors[0]![0] as { input?: unknown }).input
      const wanted =
        names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]!}` : names[0]!
      const hint =
        expected.includes('object') && expected.length === 1
          ? ': a condition is { field, <operator> } or all / any / not'
          : ''
      out.push({
        code: 'custom',
        path,
        message: `must be ${wanted} (got ${describe(input)})${hint}`,
        input,
      })
      continue
    }
    const best = [...issue.errors].sort((a, b) => branchDistance(a) - branchDistance(b))[0]!
    out.push(...flatten(best, path))
  }
  return out
}

function messageOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'missing: add this key'
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected} (got ${describe(issue.input)})`
    case 'invalid_value': {
      const values = issue.values.map(String)
      const hint = typeof issue.input === 'string' ? closest(issue.input, values, 3) : undefined
      return `must be one of ${values.join(', ')} (got ${describe(issue.input)})${hint ? `; did you mean ${hint}?` : ''}`
    }
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`
      if (issue.origin === 'string') return `must be at least ${String(issue.minimum)} characters`
      return `must be at least ${String(issue.minimum)}${issue.inclusive ? '' : ' (exclusive)'}`
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} item(s)`
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`
      return `must be at most ${String(issue.maximum)}${issue.inclusive ? '' : ' (exclusive)'}`
    default:
      return issue.message
  }
}

function unknownKey(key: string): string {
  const hint = FOREIGN_KEYS[key] ?? closest(key, VOCABULARY)
  return `unknown key${hint ? `; did you mean ${hint}?` : '; remove it or check the spelling'}`
}

export function describeIssues(issues: readonly Issue[]): PathMessage[] {
  const flat = flatten(issues, [])
  const unknownAt = new Set(
    flat.filter((i) => i.code === 'unrecognized_keys').map((i) => JSON.stringify(i.path)),
  )
  const out: PathMessage[] = []
  for (const issue of flat) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: [...(issue.path as Array<string | number>), key], message: unknownKey(key) })
      continue
    }
    // "needs an operator" after a misspelt operator repeats the same mistake.
    if (
      issue.code === 'custom' &&
      unknownAt.has(JSON.stringify(issue.path)) &&
      issue.message.startsWith('a condition needs')
    )
      continue
    out.push({ path: issue.path as Array<string | number>, message: messageOf(issue) })
  }
  return out
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`
  return out
}
