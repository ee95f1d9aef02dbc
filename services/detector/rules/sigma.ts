import { parseAllDocuments } from 'yaml'
import type { Condition, Rule, RuleInput, Severity } from '../../../schemas/rules.js'
import { formatPath } from './issues.js'
import { validateRule } from './load.js'
import { convertDetection, mapSigmaField } from './sigma-detection.js'

/**
 * Sigma → mcp-audit rules. Single-event detections become `match` rules; correlation rules of type
 * `event_count` and `value_count` become `threshold` rules over the detections they reference (in
 * the same multi-document file). Everything else is reported, per Sigma document, with the reason.
 */
export interface SigmaResult {
  /** The Sigma title (or "document N"). */
  source: string
  sigmaId?: string
  status: 'converted' | 'skipped' | 'referenced'
  ruleId?: string
  kind?: 'match' | 'threshold'
  /** Why it was not converted. */
  problems: string[]
  /** What changed in meaning on the way (e.g. a sub-field matched anywhere in the JSON). */
  notes: string[]
}

export interface SigmaConversion {
  /** Converted rules as they would be written in YAML (defaults left out). */
  rules: RuleInput[]
  /** The same rules, parsed and checked. */
  parsed: Rule[]
  results: SigmaResult[]
}

const LEVELS: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
}

type Doc = Record<string, unknown>

const isObject = (value: unknown): value is Doc =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 72)
    .replace(/-+$/, '')
}

function describe(doc: Doc): string {
  const parts = [text(doc.description) ?? text(doc.title) ?? '']
  const origin = [
    text(doc.id) && `Sigma rule ${String(doc.id)}`,
    text(doc.author) && `by ${String(doc.author)}`,
  ].filter(Boolean)
  if (origin.length > 0) parts.push(`Imported from ${origin.join(' ')}.`)
  const falsePositives = list(doc.falsepositives)
  if (falsePositives.length > 0) parts.push(`False positives: ${falsePositives.join('; ')}.`)
  return parts.filter(Boolean).join('\n')
}

/** Drops defaults so the written YAML reads like a hand-written rule. */
function tidy(condition: Condition): Condition {
  if ('all' in condition) return { all: condition.all.map(tidy) }
  if ('any' in condition) return { any: condition.any.map(tidy) }
  if ('not' in condition) return { not: tidy(condition.not) }
  const { case_sensitive: caseSensitive, ...rest } = condition
  return (caseSensitive ? condition : rest) as Condition
}

interface Metadata {
  id: string
  title: string
  description: string
  severity: Severity
  tags: string[]
  references?: string[]
  enabled?: boolean
}

function metadata(doc: Doc, id: string, notes: string[]): Metadata {
  const level = text(doc.level)?.toLowerCase()
  const severity = level ? LEVELS[level] : undefined
  if (!severity)
    notes.push(
      level
        ? `level ${level} is not a Sigma level; severity set to medium`
        : 'no level; severity set to medium',
    )
  const tags = list(doc.tags)
  const sigmaId = text(doc.id)
  return {
    id,
    title: (text(doc.title) ?? id).slice(0, 200),
    description: describe(doc),
    severity: severity ?? 'medium',
    tags: sigmaId ? [...tags, `sigma:${sigmaId}`] : tags,
    ...(list(doc.references).length > 0 ? { references: list(doc.references) } : {}),
    ...(doc.status === 'deprecated' ? { enabled: false } : {}),
  }
}

const DURATION = /^\d+[smhd]$/

function correlationRule(
  doc: Doc,
  id: string,
  detections: Map<string, { condition?: Condition; problems: string[] }>,
  notes: string[],
): RuleInput | string[] {
  const correlation = doc.correlation as Doc
  const type = text(correlation.type)
  if (type === 'temporal' || type === 'temporal_ordered') {
    return [
      `correlation type ${type} is not converted: write a sequence rule (steps in order, by, maxspan) by hand`,
    ]
  }
  if (type !== 'event_count' && type !== 'value_count') return [`correlation type ${String(type)} is unknown`]
  const problems: string[] = []
  const where: Condition[] = []
  for (const reference of list(correlation.rules)) {
    const detection = detections.get(reference)
    if (!detection)
      problems.push(
        `references ${reference}, which is not a detection in this file (put referenced rules in the same file, separated by ---; chained correlations are not supported)`,
      )
    else if (!detection.condition)
      problems.push(`references ${reference}, which cannot be converted: ${detection.problems.join('; ')}`)
    else where.push(detection.condition)
  }
  if (where.length === 0 && problems.length === 0) problems.push('correlation.rules names no rule')
  if (correlation.aliases !== undefined) problems.push('field aliases are not supported')
  const groupBy = ['tenant_id']
  for (const field of list(correlation['group-by'])) {
    const mapped = mapSigmaField(field)
    if (!mapped) problems.push(`group-by ${field}: unknown field`)
    else if (!groupBy.includes(mapped)) groupBy.push(mapped)
  }
  const timespan = text(correlation.timespan)
  if (!timespan || !DURATION.test(timespan))
    problems.push(`timespan ${String(timespan)} must be a number and s, m, h or d`)
  const condition = isObject(correlation.condition) ? correlation.condition : {}
  const bounds = (['gt', 'gte', 'lt', 'lte'] as const).filter((op) => typeof condition[op] === 'number')
  if ('eq' in condition) problems.push('condition eq has no threshold equivalent; use gte')
  else if (bounds.length !== 1)
    problems.push('condition must have exactly one of gt, gte, lt, lte (ranges are not supported)')
  let aggregate: { type: 'count' } | { type: 'distinct'; field: string } = { type: 'count' }
  if (type === 'value_count') {
    const field = text(condition.field) ?? text(correlation.field)
    const mapped = field ? mapSigmaField(field) : undefined
    if (!mapped) problems.push(`value_count needs a known condition.field, got ${String(field)}`)
    else aggregate = { type: 'distinct', field: mapped }
  }
  if (problems.length > 0) return problems
  notes.push('tenant_id added to the grouping: alerts belong to one tenant')
  const op = bounds[0]!
  return {
    ...metadata(doc, id, notes),
    threshold: {
      ...(where.length > 0 ? { where: tidy(where.length === 1 ? where[0]! : { any: where }) } : {}),
      group_by: groupBy,
      window: timespan!,
      aggregate,
      op,
      value: condition[op] as number,
    },
    suppress: { group_by: groupBy, duration: timespan! },
  }
}

/** Converts every Sigma document in `source` (one YAML file, possibly multi-document). */
export function convertSigma(source: string): SigmaConversion {
  const results: SigmaResult[] = []
  const rules: RuleInput[] = []
  const parsed: Rule[] = []
  const docs: Doc[] = []
  parseAllDocuments(source).forEach((document, index) => {
    const label = `document ${index + 1}`
    if (document.errors.length > 0) {
      results.push({
        source: label,
        status: 'skipped',
        problems: [`not valid YAML: ${document.errors[0]!.message.split('\n')[0]!}`],
        notes: [],
      })
      return
    }
    const value: unknown = document.toJS()
    if (isObject(value)) docs.push(value)
    else if (value !== null)
      results.push({
        source: label,
        status: 'skipped',
        problems: ['not a Sigma rule (expected a mapping)'],
        notes: [],
      })
  })

  const detections = new Map<string, { condition?: Condition; problems: string[]; notes: string[] }>()
  for (const doc of docs.filter((d) => d.detection !== undefined)) {
    const converted = convertDetection(doc.detection)
    for (const key of [text(doc.id), text(doc.name)]) if (key) detections.set(key, converted)
  }
  const referenced = new Set<string>()
  for (const doc of docs) {
    if (isObject(doc.correlation) && doc.generate !== true)
      list(doc.correlation.rules).forEach((r) => referenced.add(r))
  }

  const usedIds = new Set<string>()
  docs.forEach((doc, index) => {
    const title = text(doc.title) ?? `document ${index + 1}`
    const sigmaId = text(doc.id)
    const base = { source: title, ...(sigmaId ? { sigmaId } : {}) }
    const notes: string[] = []
    let id = slug(`sigma-${text(doc.name) ?? title}`)
    for (let n = 2; usedIds.has(id); n++) id = `${slug(`sigma-${text(doc.name) ?? title}`).slice(0, 70)}-${n}`
    let rule: RuleInput | string[]
    if (isObject(doc.correlation)) {
      rule = correlationRule(doc, id, detections, notes)
    } else if (doc.detection !== undefined) {
      if ([sigmaId, text(doc.name)].some((key) => key && referenced.has(key))) {
        results.push({
          ...base,
          status: 'referenced',
          problems: [],
          notes: [
            'used by a correlation rule in this file; not converted on its own (set generate: true on the correlation to change that)',
          ],
        })
        return
      }
      const detection = convertDetection(doc.detection)
      notes.push(...detection.notes)
      rule = detection.condition
        ? { ...metadata(doc, id, notes), match: tidy(detection.condition) }
        : detection.problems
    } else if (doc.filter !== undefined) {
      rule = [
        'Sigma filters (allow-lists for other rules) are not converted: add the condition to the rule as exceptions',
      ]
    } else {
      rule = ['neither a detection nor a correlation: nothing to convert']
    }
    if (Array.isArray(rule)) {
      results.push({ ...base, status: 'skipped', problems: rule, notes })
      return
    }
    const product = isObject(doc.logsource) ? text(doc.logsource.product) : undefined
    if (product && product.toLowerCase() !== 'mcp')
      notes.push(`logsource product is ${product}, not mcp: check that the fields mean the same here`)
    const checked = validateRule(rule)
    if (!checked.rule || checked.problems.length > 0) {
      const problems = checked.problems.map((p) => `${formatPath(p.path) || 'rule'}: ${p.message}`)
      results.push({ ...base, status: 'skipped', problems, notes })
      return
    }
    usedIds.add(id)
    rules.push(rule)
    parsed.push(checked.rule)
    results.push({
      ...base,
      status: 'converted',
      ruleId: id,
      kind: 'match' in rule ? 'match' : 'threshold',
      problems: [],
      notes,
    })
  })
  return { rules, parsed, results }
}
