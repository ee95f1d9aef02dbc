import { z } from 'zod'

/**
 * Detection rules (YAML files under `rules/`), close to Sigma: metadata, then exactly one of
 * `match` (one event), `threshold`, `new_term`, `sequence` or `absence` (windows over the store).
 * Fields name columns of `audit_events` (schemas/audit-row.ts); `attributes.KEY` and
 * `redaction_findings.TYPE` reach into the map columns. Version 1.
 */

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical'])
export type Severity = z.infer<typeof Severity>
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 }

/** `30s`, `5m`, `1h`, `14d`: a window, span or history length. */
export const Duration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'must be a number and a unit: 30s, 5m, 1h, 14d')
  .transform((text, ctx) => {
    const amount = Number(text.slice(0, -1))
    const unit = text.slice(-1) as 's' | 'm' | 'h' | 'd'
    const seconds = amount * { s: 1, m: 60, h: 3600, d: 86_400 }[unit]
    if (seconds <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero' })
    return seconds
  })

/** A column of audit_events, or `attributes.KEY` / `redaction_findings.TYPE`. */
export const FieldName = z
  .string()
  .regex(
    /^[a-z_]+(\.[A-Za-z0-9_.:-]+)?$/,
    'must be a column name, or attributes.KEY / redaction_findings.TYPE',
  )

const Scalar = z.union([z.string(), z.number(), z.boolean()])

export const FieldCondition = z
  .object({
    field: FieldName,
    equals: Scalar.optional(),
    in: z.array(Scalar).min(1).optional(),
    /** Substring; a list means any of them. */
    contains: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    startswith: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    endswith: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** RE2 syntax (ClickHouse `match`), also used for in-stream evaluation. */
    regex: z.string().optional(),
    /** An IP column inside any of these networks. */
    cidr: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    /** true: the field is set and not empty; false: unset or empty. */
    exists: z.boolean().optional(),
    /** Text comparisons ignore case unless this is true. */
    case_sensitive: z.boolean().default(false),
  })
  .strict()
  .refine(
    (c) =>
      [
        c.equals,
        c.in,
        c.contains,
        c.startswith,
        c.endswith,
        c.regex,
        c.cidr,
        c.gt,
        c.gte,
        c.lt,
        c.lte,
        c.exists,
      ].some((v) => v !== undefined),
    {
      message:
        'a condition needs an operator: equals, in, contains, startswith, endswith, regex, cidr, gt, gte, lt, lte or exists',
    },
  )
export type FieldCondition = z.infer<typeof FieldCondition>

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition }

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(Condition).min(1) }).strict(),
    z.object({ any: z.array(Condition).min(1) }).strict(),
    z.object({ not: Condition }).strict(),
    FieldCondition,
  ]),
)

export const Suppress = z
  .object({
    /** Fields that make one incident; defaults to the rule's group (or tenant for match rules). */
    group_by: z.array(FieldName).optional(),
    duration: Duration,
  })
  .strict()

export const Aggregate = z.discriminatedUnion('type', [
  z.object({ type: z.literal('count') }).strict(),
  z.object({ type: z.literal('distinct'), field: FieldName }).strict(),
  /** Share of the window's events that match `numerator` (0–1). */
  z.object({ type: z.literal('ratio'), numerator: Condition }).strict(),
  z.object({ type: z.literal('quantile'), field: FieldName, q: z.number().gt(0).lt(1) }).strict(),
])
export type Aggregate = z.infer<typeof Aggregate>

export const Threshold = z
  .object({
    where: Condition.optional(),
    group_by: z.array(FieldName).min(1),
    window: Duration,
    aggregate: Aggregate,
    op: z.enum(['gt', 'gte', 'lt', 'lte']),
    value: z.number(),
    /** Groups with fewer events in the window are not judged (no error rate from 2 calls). */
    min_count: z.number().int().nonnegative().default(1),
  })
  .strict()

export const NewTerm = z
  .object({
    where: Condition.optional(),
    /** The value (or combination) whose first appearance fires, e.g. [server_name] or [user_id, tool]. */
    fields: z.array(FieldName).min(1),
    group_by: z.array(FieldName).min(1).default(['tenant_id']),
    /** Seen within this history before the window: not new. */
    history: Duration,
    window: Duration,
    /**
     * Fire only for groups that already had events in the history: a value that changed, not a group
     * seen for the first time (a tenant's first day, a server's first `tools/list`).
     */
    skip_new_groups: z.boolean().default(false),
    /**
     * Fire only for groups whose events go back at least this far before the window: a tenant's
     * first `learning` of traffic builds the baseline instead of alerting on everything (implies
     * skip_new_groups). Shorter than `history`.
     */
    learning: Duration.optional(),
  })
  .strict()
  .refine((spec) => spec.learning === undefined || spec.learning < spec.history, {
    path: ['learning'],
    message: 'must be shorter than history (the baseline is looked for within the history)',
  })

export const Sequence = z
  .object({
    by: z.array(FieldName).min(1),
    maxspan: Duration,
    steps: z
      .array(z.object({ name: z.string().min(1), where: Condition }).strict())
      .min(2)
      .max(5),
    /** How often the scheduler looks; the look-back covers maxspan. */
    window: Duration.optional(),
  })
  .strict()

export const Absence = z
  .object({
    where: Condition.optional(),
    group_by: z.array(FieldName).min(1),
    /** Silent for this long … */
    window: Duration,
    /** … while it had at least `min_history_count` events in this history before. */
    history: Duration,
    min_history_count: z.number().int().positive().default(1),
    /**
     * Seasonal baseline: report a silence only while the same `window` this long earlier (1d: the
     * same time yesterday) held at least `min_expected` events, so quiet nights are not silences.
     * Without it, any silence after `min_history_count` events in `history` counts.
     */
    compare_to: Duration.optional(),
    min_expected: z.number().int().positive().default(1),
  })
  .strict()
  .refine((spec) => spec.compare_to === undefined || spec.compare_to + spec.window <= spec.history, {
    path: ['compare_to'],
    message: 'compare_to plus window must fit in history',
  })

export const RuleBase = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, 'must be lowercase letters, digits and dashes (3–81)'),
  title: z.string().min(3).max(200),
  description: z.string().default(''),
  severity: Severity,
  /** OWASP MCP Top 10 (`owasp-mcp:MCP05`), MITRE ATT&CK (`attack.t1059`), controls (`pci-dss:10.2.1`). */
  tags: z.array(z.string().min(1)).default([]),
  enabled: z.boolean().default(true),
  /** Events matching any exception are ignored by the rule (allow-lists). */
  exceptions: z.array(Condition).default([]),
  suppress: Suppress.optional(),
  references: z.array(z.string()).default([]),
})

export const RULE_KINDS = ['match', 'threshold', 'new_term', 'sequence', 'absence'] as const
export type RuleKind = (typeof RULE_KINDS)[number]

export const MatchRule = RuleBase.extend({ match: Condition }).strict()
export const ThresholdRule = RuleBase.extend({ threshold: Threshold }).strict()
export const NewTermRule = RuleBase.extend({ new_term: NewTerm }).strict()
export const SequenceRule = RuleBase.extend({ sequence: Sequence }).strict()
export const AbsenceRule = RuleBase.extend({ absence: Absence }).strict()
export type MatchRule = z.infer<typeof MatchRule>

/** The schema of each kind, so a loader can validate against the one a rule names (clearer errors than the union's). */
export const RULE_SCHEMAS = {
  match: MatchRule,
  threshold: ThresholdRule,
  new_term: NewTermRule,
  sequence: SequenceRule,
  absence: AbsenceRule,
} as const

export const Rule = z.union([MatchRule, ThresholdRule, NewTermRule, SequenceRule, AbsenceRule])
export type Rule = z.infer<typeof Rule>
/** A rule as written in YAML (defaults not yet applied). */
export type RuleInput = z.input<typeof Rule>

export function ruleKind(rule: Rule): RuleKind {
  if ('match' in rule) return 'match'
  if ('threshold' in rule) return 'threshold'
  if ('new_term' in rule) return 'new_term'
  if ('sequence' in rule) return 'sequence'
  return 'absence'
}

/** A rule file: one rule, or `rules: [...]`. */
export const RuleFile = z.union([
  z.object({ rules: z.array(z.unknown()).min(1) }).strict(),
  z.record(z.string(), z.unknown()),
])

/**
 * A rule test (`rules/tests/<rule-id>.yaml`): generic input events (DESIGN.md "The generic event")
 * that go through the real collector, normalizer and redaction steps, then the rule, evaluated at `now`.
 */
export const RuleTestCase = z
  .object({
    name: z.string().min(1),
    expect: z.enum(['fire', 'quiet']),
    events: z.array(z.record(z.string(), z.unknown())).min(1),
  })
  .strict()
export type RuleTestCase = z.infer<typeof RuleTestCase>

export const RuleTestFile = z
  .object({
    rule: z.string().min(1),
    /** Evaluation time: windowed rules look back from here. */
    now: z.iso.datetime({ offset: true }),
    cases: z.array(RuleTestCase).min(1),
  })
  .strict()
export type RuleTestFile = z.infer<typeof RuleTestFile>
