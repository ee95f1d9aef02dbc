import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { AuditRow } from '../../schemas/audit-row.js'
import { AppConfig } from '../../schemas/config.js'
import { RuleTestFile, type Rule } from '../../schemas/rules.js'
import { ingestRecords } from '../collector/ingest.js'
import { processEventMessage, type EventPipelineDeps } from '../normalizer/pipeline.js'
import { createRedactor } from '../normalizer/redaction/index.js'
import { DEFAULT_PAYLOAD_LIMITS } from '../normalizer/steps/redact.js'
import { openStore, type Store } from '../platform/clickhouse.js'
import { createLogger } from '../platform/logger.js'
import { migrate } from '../platform/migrations.js'
import { compileMatchRule } from './rules/match.js'
import { evaluateWindow, type WindowCandidate } from './windowed/evaluate.js'
import { evaluationStepSeconds, isWindowedRule, type Window, type WindowedRule } from './windowed/windows.js'

/**
 * Runs rules over sample events the way production would see them: each generic event goes through
 * the collector's validation (event ids derived when absent), the normalizer's parse, normalize and
 * redact steps (fixed test key, which also derive local time and the tools/list hash), and is
 * stored in a scratch ClickHouse database. Match rules then run in memory as in the stream; windowed
 * rules run as their compiled SQL against the scratch database.
 *
 * In a rule test (`rules/tests/<rule-id>.yaml`) a windowed rule is evaluated once, over the window
 * [now − W, now), as the detector evaluates a bucket that ends at `now` (an event at exactly `now`
 * belongs to the next one). W is the rule's `window` for threshold and new_term, `maxspan` for a
 * sequence (its last step in that span), and `history` for an absence (a silence of `window` that
 * had begun by now, after activity). Match rules look at every event. Disabled rules are tested as
 * if enabled.
 */

export const TEST_TENANT = 'test'
export const TEST_GATEWAY = 'test-gw'
/** Pseudonyms in rule tests are stable across runs; never a production key. */
const TEST_HMAC_KEY = 'mcp-audit-rule-tests-only-key'
/** Fields that make one group of a match rule's hits when its suppress names none (as in the stream). */
const DEFAULT_MATCH_GROUP = ['server_name', 'tool', 'user_id']
const SCRATCH_DATABASE = /^mcp_audit_test_rules_[a-z0-9]+$/

export interface RuleTestSource {
  file: string
  test: RuleTestFile
}

export interface RuleTestLoadError {
  file: string
  message: string
}

/** A group a rule fired for (match hits are grouped by the rule's suppress.group_by). */
export type FiredGroup = WindowCandidate & { window?: { from: string; to: string } }

export interface CaseResult {
  file: string
  rule: string
  name: string
  expect: 'fire' | 'quiet'
  status: 'pass' | 'fail' | 'skip'
  reason: string
  fired: FiredGroup[]
}

export interface RuleRunOptions {
  /** Reuse this store (a scratch database is created in it and dropped); else a temporary embedded one. */
  store?: Pick<Store, 'client'>
  /** The tenant's timezone for local_hour / local_weekday. */
  timeZone?: string
}

/** Rule test files: the YAML files in these folders (not recursive) or the files themselves. */
export function readRuleTests(paths: readonly string[]): {
  tests: RuleTestSource[]
  errors: RuleTestLoadError[]
} {
  const tests: RuleTestSource[] = []
  const errors: RuleTestLoadError[] = []
  const files: string[] = []
  for (const p of paths) {
    let folder: boolean
    try {
      folder = statSync(p).isDirectory()
    } catch {
      errors.push({
        file: p,
        message: 'no such file or folder; rule tests live in rules/tests/<rule-id>.yaml',
      })
      continue
    }
    if (!folder) files.push(p)
    else {
      const names = readdirSync(p).filter((name) => /\.ya?ml$/i.test(name))
      files.push(...names.sort().map((name) => path.join(p, name)))
    }
  }
  for (const file of files) {
    let raw: unknown
    try {
      raw = parseYaml(readFileSync(file, 'utf8'))
    } catch (err) {
      errors.push({ file, message: `not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}` })
      continue
    }
    const parsed = RuleTestFile.safeParse(raw)
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      errors.push({
        file,
        message: `not a rule test (rule, now, cases[name, expect, events]): ${issues.join('; ')}`,
      })
      continue
    }
    tests.push({ file, test: parsed.data })
  }
  return { tests, errors }
}

interface Sandbox {
  store: Pick<Store, 'client' | 'database'>
  dispose: () => Promise<void>
}

async function openSandbox(options: RuleRunOptions): Promise<Sandbox> {
  const database = `mcp_audit_test_rules_${randomBytes(5).toString('hex')}`
  const logger = createLogger({ level: 'silent' })
  const drop = async (client: Store['client']) => {
    if (!SCRATCH_DATABASE.test(database))
      throw new Error(`refusing to drop ${database}: not a rule-test database`)
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
  }
  if (options.store) {
    const store = { client: options.store.client, database }
    await migrate(
      { ...store, mode: 'server', location: 'rule tests', close: () => Promise.resolve() },
      logger,
    )
    return { store, dispose: () => drop(store.client) }
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-rule-tests-'))
  const store = openStore(AppConfig.parse({ dataDir, clickhouse: { database } }))
  try {
    await migrate(store, logger)
  } catch (err) {
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    store,
    dispose: async () => {
      try {
        await drop(store.client)
      } finally {
        await store.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

export interface IngestResult {
  rows: AuditRow[]
  /** Events the collector refused or the normalizer dead-lettered, by position in the input. */
  problems: string[]
}

/** Generic events → stored rows, through the collector's validation and the normalizer's steps. */
export function ingestEvents(events: readonly unknown[], receivedAt: Date, timeZone = 'UTC'): IngestResult {
  const { accepted, errors } = ingestRecords(
    events.map((value) => ({ kind: 'record', value })),
    { tenantId: TEST_TENANT, gateway: TEST_GATEWAY, format: 'generic', receivedAt: receivedAt.toISOString() },
  )
  const byEvent = new Map<number, string[]>()
  for (const e of errors) byEvent.set(e.index, [...(byEvent.get(e.index) ?? []), `${e.path}: ${e.message}`])
  const problems = [...byEvent].map(([index, messages]) => `event ${index + 1}: ${messages.join('; ')}`)
  const deps: EventPipelineDeps = {
    redactor: createRedactor({ hmacKey: TEST_HMAC_KEY }),
    limits: DEFAULT_PAYLOAD_LIMITS,
    // Old sample events must not fall to the table's TTL.
    retentionDays: () => 36_500,
    // The normalize step derives local_hour / local_weekday / tools_list_hash in this zone.
    timeZone: () => timeZone,
  }
  const rows: AuditRow[] = []
  accepted.forEach(({ envelope }, index) => {
    const outcome = processEventMessage(
      { value: Buffer.from(JSON.stringify(envelope)), offset: String(index) },
      0,
      deps,
    )
    if (outcome.kind !== 'ok') {
      problems.push(
        `event ${envelope.event.event_id ?? index}: the normalizer would ${outcome.kind} it: ${outcome.reason}`,
      )
      return
    }
    rows.push(...outcome.rows)
  })
  return { rows, problems }
}

async function replaceEvents(sandbox: Sandbox, rows: readonly AuditRow[]): Promise<void> {
  const { client, database } = sandbox.store
  await client.command({ query: `TRUNCATE TABLE ${database}.audit_events` })
  if (rows.length > 0)
    await client.insert({
      table: `${database}.audit_events`,
      values: rows,
      format: 'JSONEachRow',
    })
}

function fieldValue(row: AuditRow, field: string): string {
  const dot = field.indexOf('.')
  const record = row as unknown as Record<string, unknown>
  const value =
    dot < 0
      ? record[field]
      : (record[field.slice(0, dot)] as Record<string, unknown> | undefined)?.[field.slice(dot + 1)]
  if (Array.isArray(value)) return value.join(',')
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : ''
}

/** A match rule's hits, grouped like its alerts would be. */
function matchHits(rule: Rule, rows: readonly AuditRow[]): FiredGroup[] {
  const test = compileMatchRule({ ...rule, enabled: true })
  const fields = rule.suppress?.group_by ?? DEFAULT_MATCH_GROUP
  const groups = new Map<string, FiredGroup>()
  for (const row of rows) {
    if (!test(row)) continue
    const group = Object.fromEntries(fields.map((field) => [field, fieldValue(row, field)]))
    const key = JSON.stringify([row.tenant_id, group])
    const hit = groups.get(key)
    if (!hit) {
      groups.set(key, {
        tenant_id: row.tenant_id,
        group,
        count: 1,
        value: null,
        first_seen: row.occurred_at,
        last_seen: row.occurred_at,
        sample_event_ids: [row.event_id],
      })
      continue
    }
    hit.count += 1
    if (row.occurred_at < hit.first_seen) hit.first_seen = row.occurred_at
    if (row.occurred_at > hit.last_seen) hit.last_seen = row.occurred_at
    if (hit.sample_event_ids.length < 10) hit.sample_event_ids.push(row.event_id)
  }
  return [...groups.values()]
}

/** The window a rule test evaluates a windowed rule in (see the file comment). */
export function testWindow(rule: WindowedRule, now: Date): Window {
  let seconds: number
  if ('threshold' in rule) seconds = rule.threshold.window
  else if ('new_term' in rule) seconds = rule.new_term.window
  else if ('sequence' in rule) seconds = rule.sequence.maxspan
  else seconds = rule.absence.history
  return { from: new Date(now.getTime() - seconds * 1000), to: now }
}

async function fire(
  sandbox: Sandbox,
  rule: Rule,
  rows: readonly AuditRow[],
  window?: Window,
): Promise<FiredGroup[]> {
  if (!isWindowedRule(rule)) return matchHits(rule, rows)
  if (!window) throw new Error(`rule ${rule.id}: a windowed rule needs a window`)
  const span = { from: window.from.toISOString(), to: window.to.toISOString() }
  const found = await evaluateWindow(sandbox.store, { ...rule, enabled: true }, window, TEST_TENANT)
  return found.map((candidate) => ({ ...candidate, window: span }))
}

export function describeGroup(fired: FiredGroup): string {
  const group = Object.entries(fired.group)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')
  const value = fired.value === null ? '' : `, value ${Number(fired.value.toFixed(4))}`
  return `${group || '(all)'}: ${fired.count} event(s)${value}, ${fired.first_seen} … ${fired.last_seen}`
}

/**
 * Runs rule tests: for each case, its events alone in the scratch database, then its rule at `now`.
 * A case whose rule is not in `rulesById` is skipped with the reason.
 */
export async function runRuleTests(
  tests: readonly RuleTestSource[],
  rulesById: ReadonlyMap<string, Rule>,
  options: RuleRunOptions = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  const runnable = tests.filter(({ test }) => rulesById.has(test.rule))
  for (const { file, test } of tests) {
    if (rulesById.has(test.rule)) continue
    for (const c of test.cases) {
      const reason = `rule ${test.rule} is not among the loaded rules; add it to the rule files or fix \`rule:\` in ${file}`
      results.push({
        file,
        rule: test.rule,
        name: c.name,
        expect: c.expect,
        status: 'skip',
        reason,
        fired: [],
      })
    }
  }
  if (runnable.length === 0) return results
  const sandbox = await openSandbox(options)
  try {
    for (const { file, test } of runnable) {
      const rule = rulesById.get(test.rule)!
      const now = new Date(test.now)
      for (const c of test.cases) {
        const base = { file, rule: rule.id, name: c.name, expect: c.expect }
        const { rows, problems } = ingestEvents(c.events, now, options.timeZone)
        if (problems.length > 0) {
          const reason = `the case's events are not all valid: ${problems.join('; ')}`
          results.push({ ...base, status: 'fail', reason, fired: [] })
          continue
        }
        await replaceEvents(sandbox, rows)
        const window = isWindowedRule(rule) ? testWindow(rule, now) : undefined
        const fired = await fire(sandbox, rule, rows, window)
        const where = window
          ? ` in the window [${window.from.toISOString()}, ${window.to.toISOString()})`
          : ''
        let status: CaseResult['status'] = 'pass'
        let reason: string
        if (fired.length > 0) {
          reason = `fired${where} for ${fired.map(describeGroup).join('; ')}`
          if (c.expect === 'quiet') status = 'fail'
        } else {
          reason = `stayed quiet${where} over ${rows.length} event(s)`
          if (c.expect === 'fire') status = 'fail'
        }
        results.push({
          ...base,
          status,
          reason: status === 'fail' ? `expected ${c.expect}, but it ${reason}` : reason,
          fired,
        })
      }
    }
  } finally {
    await sandbox.dispose()
  }
  return results
}

export interface RuleFiring {
  rule: Rule
  fired: FiredGroup[]
}

/**
 * Runs rules over one set of events as the detector would have: match rules on every event,
 * windowed rules over the detector's aligned buckets from the first event up to `now` (default:
 * just after the last event), each bucket that can hold a result evaluated once.
 */
export async function runRulesOnEvents(
  rules: readonly Rule[],
  events: readonly unknown[],
  options: RuleRunOptions & { now?: Date } = {},
): Promise<{ firings: RuleFiring[]; problems: string[]; stored: number }> {
  const receivedAt = options.now ?? new Date()
  const { rows, problems } = ingestEvents(events, receivedAt, options.timeZone)
  const times = rows.map((row) => Date.parse(row.occurred_at))
  const now = options.now?.getTime() ?? (times.length > 0 ? Math.max(...times) + 1 : receivedAt.getTime())
  const sandbox = await openSandbox(options)
  try {
    await replaceEvents(sandbox, rows)
    const firings: RuleFiring[] = []
    for (const rule of rules) {
      if (!isWindowedRule(rule)) {
        firings.push({ rule, fired: matchHits(rule, rows) })
        continue
      }
      const stepMs = evaluationStepSeconds(rule) * 1000
      // Only buckets that can hold a result: ones with events, or (absence) where a silence can end.
      const delayMs = 'absence' in rule ? rule.absence.window * 1000 : 0
      const starts = [...new Set(times.map((t) => Math.floor((t + delayMs) / stepMs) * stepMs))]
        .filter((start) => start < now)
        .sort((a, b) => a - b)
      const fired: FiredGroup[] = []
      for (const start of starts) {
        const window = { from: new Date(start), to: new Date(Math.min(start + stepMs, now)) }
        fired.push(...(await fire(sandbox, rule, rows, window)))
      }
      firings.push({ rule, fired })
    }
    return { firings, problems, stored: rows.length }
  } finally {
    await sandbox.dispose()
  }
}
