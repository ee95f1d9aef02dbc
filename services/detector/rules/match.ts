import type { Condition, FieldCondition, Rule } from '../../../schemas/rules.js'
import { resolveField, type ResolvedField } from './fields.js'
import { inNetwork, parseCidr, parseIp, type Network } from './ip.js'
import { compileRegex } from './regex.js'

/**
 * In-stream evaluation of `match` rules against a stored row (schemas/audit-row.ts), compiled once
 * into closures. A row read back from ClickHouse works too (64-bit numbers as strings).
 *
 * Semantics, which the SQL compiler mirrors:
 * - `attributes.KEY` is '' and `redaction_findings.TYPE` is 0 when the key is absent (ClickHouse map defaults);
 * - operators in one condition must all hold; a list of values means any of them;
 * - text comparisons ignore case unless `case_sensitive`; numbers compare numerically, also when a
 *   text value (an attribute) holds a number;
 * - a comparison on a null or empty value is false, and `not` negates that false (two-valued logic:
 *   SQL must wrap each comparison in ifNull(…, 0));
 * - on a list column (user_roles) a comparison holds when any element satisfies it;
 * - `exists: true` means set and not empty: not null, not '', a list with elements, a finding count above 0.
 */
export type RowLike = Readonly<Record<string, unknown>>
export type RowPredicate = (row: RowLike) => boolean

type Getter = (row: RowLike) => unknown
type Check = (value: unknown) => boolean

function getter(field: ResolvedField): Getter {
  switch (field.kind) {
    case 'attribute': {
      const { key } = field
      return (row) => {
        const map = row.attributes as Record<string, unknown> | null | undefined
        return map?.[key] ?? ''
      }
    }
    case 'finding': {
      const { key } = field
      return (row) => {
        const map = row.redaction_findings as Record<string, unknown> | null | undefined
        return toNumber(map?.[key]) ?? 0
      }
    }
    case 'column':
      if (field.name === 'redaction_count') {
        return (row) => {
          const map = row.redaction_findings as Record<string, unknown> | null | undefined
          let total = 0
          for (const count of Object.values(map ?? {})) total += toNumber(count) ?? 0
          return total
        }
      }
      return (row) => row[field.name]
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value)
    return Number.isFinite(parsed) ? parsed : undefined
  }
  return undefined
}

function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  return undefined
}

function present(value: unknown, field: ResolvedField): boolean {
  if (value === null || value === undefined || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (field.kind === 'finding') return (toNumber(value) ?? 0) > 0
  return true
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

function equalsCheck(expected: string | number | boolean, fold: (text: string) => string): Check {
  if (typeof expected === 'boolean') {
    const asText = String(expected)
    return (value) =>
      typeof value === 'boolean' ? value === expected : toText(value)?.toLowerCase() === asText
  }
  if (typeof expected === 'number') return (value) => toNumber(value) === expected
  const wanted = fold(expected)
  const wantedNumber = toNumber(expected)
  return (value) => {
    if (typeof value === 'number') return wantedNumber !== undefined && value === wantedNumber
    const text = toText(value)
    return text !== undefined && fold(text) === wanted
  }
}

function textCheck(
  needles: string[],
  fold: (text: string) => string,
  test: (text: string, needle: string) => boolean,
): Check {
  const folded = needles.map(fold)
  return (value) => {
    const text = toText(value)
    if (text === undefined) return false
    const haystack = fold(text)
    return folded.some((needle) => test(haystack, needle))
  }
}

function numberCheck(limit: number, compare: (value: number, limit: number) => boolean): Check {
  return (value) => {
    const number = toNumber(value)
    return number !== undefined && compare(number, limit)
  }
}

function cidrCheck(networks: Network[]): Check {
  return (value) => {
    const text = toText(value)
    const address = text === undefined ? null : parseIp(text)
    return address !== null && networks.some((network) => inNetwork(address, network))
  }
}

function compileField(condition: FieldCondition): RowPredicate {
  const resolved = resolveField(condition.field)
  if (!resolved.ok) throw new Error(`cannot compile condition on ${condition.field}: ${resolved.message}`)
  const field = resolved.field
  const get = getter(field)
  const fold = condition.case_sensitive ? (text: string) => text : (text: string) => text.toLowerCase()
  const checks: Check[] = []
  if (condition.equals !== undefined) checks.push(equalsCheck(condition.equals, fold))
  if (condition.in !== undefined) {
    const options = condition.in.map((option) => equalsCheck(option, fold))
    checks.push((value) => options.some((check) => check(value)))
  }
  if (condition.contains !== undefined) {
    checks.push(textCheck(list(condition.contains), fold, (text, needle) => text.includes(needle)))
  }
  if (condition.startswith !== undefined) {
    checks.push(textCheck(list(condition.startswith), fold, (text, needle) => text.startsWith(needle)))
  }
  if (condition.endswith !== undefined) {
    checks.push(textCheck(list(condition.endswith), fold, (text, needle) => text.endsWith(needle)))
  }
  if (condition.regex !== undefined) {
    const pattern = compileRegex(condition.regex, condition.case_sensitive)
    checks.push((value) => {
      const text = toText(value)
      return text !== undefined && pattern.test(text)
    })
  }
  if (condition.cidr !== undefined) {
    const networks = list(condition.cidr).map((text) => {
      const network = parseCidr(text)
      if ('error' in network)
        throw new Error(`cannot compile condition on ${condition.field}: ${network.error}`)
      return network
    })
    checks.push(cidrCheck(networks))
  }
  if (condition.gt !== undefined) checks.push(numberCheck(condition.gt, (v, l) => v > l))
  if (condition.gte !== undefined) checks.push(numberCheck(condition.gte, (v, l) => v >= l))
  if (condition.lt !== undefined) checks.push(numberCheck(condition.lt, (v, l) => v < l))
  if (condition.lte !== undefined) checks.push(numberCheck(condition.lte, (v, l) => v <= l))

  const valueTest = (value: unknown): boolean => {
    if (value === null || value === undefined) return false
    if (Array.isArray(value)) return value.some((item) => checks.every((check) => check(item)))
    return checks.every((check) => check(value))
  }
  const exists = condition.exists
  if (exists === undefined) return (row) => valueTest(get(row))
  if (checks.length === 0) return (row) => present(get(row), field) === exists
  return (row) => {
    const value = get(row)
    return present(value, field) === exists && valueTest(value)
  }
}

/** Compiles a condition once (regexes, networks, folded needles); the predicate is pure. */
export function compileCondition(condition: Condition): RowPredicate {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition)
    return (row) => parts.every((part) => part(row))
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition)
    return (row) => parts.some((part) => part(row))
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not)
    return (row) => !inner(row)
  }
  return compileField(condition)
}

/** A `match` rule as a predicate: false when disabled or when any exception matches the row. */
export function compileMatchRule(rule: Rule): RowPredicate {
  if (!('match' in rule)) {
    throw new Error(`rule ${rule.id} is not a match rule: only match rules are evaluated in the stream`)
  }
  if (!rule.enabled) return () => false
  const matches = compileCondition(rule.match)
  if (rule.exceptions.length === 0) return matches
  const excepted = compileCondition({ any: rule.exceptions })
  return (row) => matches(row) && !excepted(row)
}
