import type { Aggregate, Condition, FieldCondition, Rule } from '../../../schemas/rules.js'
import { resolveField, type FieldKind } from './fields.js'
import { parseCidr } from './ip.js'
import { regexProblem } from './regex.js'

/** A problem with a rule that its schema cannot see: unknown fields, bad regexes, mismatched operators. */
export interface RuleProblem {
  path: Array<string | number>
  message: string
}

type Path = Array<string | number>

const TEXT_OPERATORS = ['contains', 'startswith', 'endswith', 'regex'] as const
const NUMBER_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const

/** Which operators a field kind accepts, and what to say when one does not fit. */
function operatorProblem(
  field: string,
  kind: FieldKind | 'attribute',
  operator: string,
  value: unknown,
): string | null {
  const isText = (TEXT_OPERATORS as readonly string[]).includes(operator)
  const isNumber = (NUMBER_OPERATORS as readonly string[]).includes(operator)
  switch (kind) {
    case 'time':
      return operator === 'exists'
        ? null
        : `${field} is a time: windows and history handle time; for business hours match attributes.local_hour / attributes.local_weekday`
    case 'boolean':
      if (operator === 'exists') return null
      if (operator === 'equals' && typeof value === 'boolean') return null
      return `${field} is true/false: use equals: true or equals: false`
    case 'number':
      if (isText || operator === 'cidr')
        return `${field} is a number: compare it with equals, in, gt, gte, lt or lte`
      return null
    case 'text':
    case 'list':
      if (isNumber) {
        return `${field} holds text: ${operator} compares numbers; use equals, in, contains, startswith, endswith or regex`
      }
      if (operator === 'cidr' && field !== 'source_ip') {
        return `${field} holds no IP address: cidr applies to source_ip or an attributes.KEY holding an address`
      }
      return null
    case 'attribute':
    case 'map':
      return null
  }
}

function checkFieldCondition(condition: FieldCondition, path: Path, problems: RuleProblem[]): void {
  const resolved = resolveField(condition.field)
  if (!resolved.ok) {
    problems.push({ path: [...path, 'field'], message: resolved.message })
    return
  }
  const kind = resolved.field.kind === 'attribute' ? 'attribute' : resolved.field.type
  const operators = [
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
  ] as const
  for (const operator of operators) {
    const value = condition[operator]
    if (value === undefined) continue
    const values = Array.isArray(value) ? value : [value]
    for (const item of operator === 'equals' || operator === 'in' ? values : [values[0]]) {
      const problem = operatorProblem(condition.field, kind, operator, item)
      if (problem) {
        problems.push({ path: [...path, operator], message: problem })
        break
      }
    }
  }
  if (condition.regex !== undefined) {
    const problem = regexProblem(condition.regex)
    if (problem) problems.push({ path: [...path, 'regex'], message: `regex ${problem}` })
  }
  if (condition.cidr !== undefined) {
    const networks = Array.isArray(condition.cidr) ? condition.cidr : [condition.cidr]
    networks.forEach((text, index) => {
      const network = parseCidr(text)
      if ('error' in network) {
        problems.push({
          path: Array.isArray(condition.cidr) ? [...path, 'cidr', index] : [...path, 'cidr'],
          message: network.error,
        })
      }
    })
  }
}

export function checkCondition(condition: Condition, path: Path, problems: RuleProblem[]): void {
  if ('all' in condition)
    condition.all.forEach((part, i) => checkCondition(part, [...path, 'all', i], problems))
  else if ('any' in condition)
    condition.any.forEach((part, i) => checkCondition(part, [...path, 'any', i], problems))
  else if ('not' in condition) checkCondition(condition.not, [...path, 'not'], problems)
  else checkFieldCondition(condition, path, problems)
}

function checkFields(
  fields: string[],
  path: Path,
  problems: RuleProblem[],
  options: { tenant?: boolean } = {},
): void {
  fields.forEach((field, index) => {
    const resolved = resolveField(field)
    if (!resolved.ok) problems.push({ path: [...path, index], message: resolved.message })
  })
  if (options.tenant && !fields.includes('tenant_id')) {
    problems.push({
      path,
      message: `add tenant_id to ${String(path[path.length - 1])}: an alert belongs to one tenant, so windowed rules group within a tenant`,
    })
  }
}

function checkAggregate(aggregate: Aggregate, value: number, path: Path, problems: RuleProblem[]): void {
  if (aggregate.type === 'ratio') {
    checkCondition(aggregate.numerator, [...path, 'aggregate', 'numerator'], problems)
    if (value < 0 || value > 1) {
      problems.push({
        path: [...path, 'value'],
        message: `a ratio is a share between 0 and 1: write 5% as 0.05 (got ${value})`,
      })
    }
  }
  if (aggregate.type === 'distinct' || aggregate.type === 'quantile') {
    const resolved = resolveField(aggregate.field)
    if (!resolved.ok) problems.push({ path: [...path, 'aggregate', 'field'], message: resolved.message })
    else if (
      aggregate.type === 'quantile' &&
      resolved.field.kind === 'column' &&
      resolved.field.type !== 'number'
    ) {
      problems.push({
        path: [...path, 'aggregate', 'field'],
        message: `a quantile needs a number column such as duration_ms, not ${aggregate.field}`,
      })
    }
  }
}

function longer(history: number, window: number, path: Path, problems: RuleProblem[]): void {
  if (history <= window) {
    problems.push({
      path: [...path, 'history'],
      message:
        'history must be longer than window: it is the stretch before the window that the window is compared with',
    })
  }
}

/** Checks a schema-valid rule against the store's fields and the two regex engines. */
export function checkRule(rule: Rule): RuleProblem[] {
  const problems: RuleProblem[] = []
  rule.exceptions.forEach((exception, i) => checkCondition(exception, ['exceptions', i], problems))
  if (rule.suppress?.group_by) checkFields(rule.suppress.group_by, ['suppress', 'group_by'], problems)
  if ('match' in rule) {
    checkCondition(rule.match, ['match'], problems)
  } else if ('threshold' in rule) {
    const { threshold } = rule
    if (threshold.where) checkCondition(threshold.where, ['threshold', 'where'], problems)
    checkFields(threshold.group_by, ['threshold', 'group_by'], problems, { tenant: true })
    checkAggregate(threshold.aggregate, threshold.value, ['threshold'], problems)
  } else if ('new_term' in rule) {
    const term = rule.new_term
    if (term.where) checkCondition(term.where, ['new_term', 'where'], problems)
    checkFields(term.fields, ['new_term', 'fields'], problems)
    checkFields(term.group_by, ['new_term', 'group_by'], problems, { tenant: true })
    longer(term.history, term.window, ['new_term'], problems)
  } else if ('sequence' in rule) {
    const { sequence } = rule
    checkFields(sequence.by, ['sequence', 'by'], problems, { tenant: true })
    const names = new Set<string>()
    sequence.steps.forEach((step, i) => {
      if (names.has(step.name))
        problems.push({
          path: ['sequence', 'steps', i, 'name'],
          message: `step name ${step.name} is used twice; give each step its own name`,
        })
      names.add(step.name)
      checkCondition(step.where, ['sequence', 'steps', i, 'where'], problems)
    })
  } else {
    const { absence } = rule
    if (absence.where) checkCondition(absence.where, ['absence', 'where'], problems)
    checkFields(absence.group_by, ['absence', 'group_by'], problems, { tenant: true })
    longer(absence.history, absence.window, ['absence'], problems)
  }
  return problems
}
