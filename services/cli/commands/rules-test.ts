import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import type { Rule } from '../../../schemas/rules.js'
import { ruleKind } from '../../../schemas/rules.js'
import {
  describeGroup,
  formatRuleError,
  loadRules,
  readRuleTests,
  runRulesOnEvents,
  runRuleTests,
  type CaseResult,
  type RuleFiring,
} from '../../detector/index.js'
import { ingestSamples } from '../sample-rows.js'

interface RulesTestOptions {
  events?: string
  now?: Date
  tests?: string
  timezone: string
  json?: boolean
}

function parseTime(value: string): Date {
  const time = Date.parse(value)
  if (Number.isNaN(time))
    throw new InvalidArgumentError(`expected an ISO 8601 time such as 2026-11-24T12:00:00Z, got "${value}"`)
  return new Date(time)
}

/** A JSON array, one JSON object, or NDJSON (one event per line). */
export function readEventsFile(file: string): unknown[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(
      `cannot read the events file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path`,
      {
        cause: err,
      },
    )
  }
  const trimmed = text.trim()
  if (trimmed === '')
    throw new Error(`the events file ${file} is empty; put generic events in it, one JSON object per line`)
  if (trimmed.startsWith('[')) {
    try {
      const events = JSON.parse(trimmed) as unknown
      if (Array.isArray(events)) return events
    } catch (err) {
      throw new Error(`${file} is not a valid JSON array: ${(err as Error).message}`, { cause: err })
    }
  }
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return []
    try {
      return [JSON.parse(line) as unknown]
    } catch (err) {
      throw new Error(
        `${file}:${index + 1}: not JSON (${(err as Error).message}); the file must be a JSON array or NDJSON, one event per line`,
        { cause: err },
      )
    }
  })
}

/** `tests/` beside each rule path: `rules/` → `rules/tests/`, `rules/mcp-core.yaml` → `rules/tests/`. */
function testFolders(paths: readonly string[]): string[] {
  const folders = paths.map((p) => {
    const base = existsSync(p) && statSync(p).isDirectory() ? p : path.dirname(p)
    return path.join(base, 'tests')
  })
  return [...new Set(folders)].filter((folder) => existsSync(folder))
}

function label(rule: Rule): string {
  return `${rule.id} (${ruleKind(rule)}, ${rule.severity})`
}

function printFirings(firings: RuleFiring[], problems: string[], stored: number): void {
  const fired = firings.filter((f) => f.fired.length > 0)
  for (const { rule, fired: groups } of fired) {
    console.log(`FIRED ${label(rule)}: ${groups.length} group(s)`)
    for (const group of groups) {
      const window = group.window ? ` [window ${group.window.from} … ${group.window.to})` : ''
      console.log(`  ${describeGroup(group)}${window}; events ${group.sample_event_ids.join(', ')}`)
    }
  }
  const quiet = firings.filter((f) => f.fired.length === 0).map((f) => f.rule.id)
  if (quiet.length > 0) console.log(`quiet: ${quiet.join(', ')}`)
  for (const problem of problems) console.error(`not ingested: ${problem}`)
  console.log(
    `${fired.length} of ${firings.length} rule(s) fired on ${stored} event(s)` +
      (problems.length > 0 ? `; ${problems.length} event(s) were not ingested (see above)` : ''),
  )
}

function printCases(results: CaseResult[]): void {
  for (const r of results) {
    const title = `${r.status.toUpperCase().padEnd(4)} ${r.rule} › ${r.name}`
    if (r.status === 'pass') console.log(title)
    else console.log(`${title}\n     ${r.reason}`)
  }
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length
  console.log(
    `${results.length} case(s): ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`,
  )
}

/** `mcp-audit rules test`: sample events through rules, or the rules' own tests. */
export function registerRulesTest(rules: Command): void {
  rules
    .command('test')
    .description(
      'run rules over sample events (--events), or run their tests (tests/<rule-id>.yaml beside the rules); exits 1 on any failure',
    )
    .argument('<paths...>', 'rule files or folders (*.yaml, *.yml)')
    .option(
      '--events <file>',
      'generic events (JSON array or NDJSON): print which rules fire and for which groups',
    )
    .option(
      '--now <time>',
      'with --events: evaluate windows up to this time (default: just after the last event)',
      parseTime,
    )
    .option('--tests <folder>', 'rule tests to run (default: the tests/ folder beside each rule path)')
    .option(
      '--timezone <zone>',
      "the tenant's IANA timezone, for attributes.local_hour and local_weekday",
      'UTC',
    )
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nEvents go through the collector, normalizer and redaction steps (tenant "test", gateway "test-gw") into a\n' +
        'scratch embedded ClickHouse; windowed rules run as the detector runs them.\n\nExamples:\n' +
        '  mcp-audit rules test rules/\n  mcp-audit rules test rules/mcp-core.yaml --events samples.ndjson',
    )
    .action(async (paths: string[], options: RulesTestOptions) => {
      const loaded = loadRules(paths)
      for (const error of loaded.errors) console.error(formatRuleError(error))
      if (loaded.errors.length > 0) process.exitCode = 1
      if (loaded.rules.length === 0) {
        throw new Error(
          `no valid rule in ${paths.join(', ')}; fix the errors above or name rule files (*.yaml)`,
        )
      }

      if (options.events) {
        const events = readEventsFile(options.events)
        const result = await runRulesOnEvents(loaded.rules, events, {
          ingest: ingestSamples,
          timeZone: options.timezone,
          ...(options.now ? { now: options.now } : {}),
        })
        if (options.json) {
          const firings = result.firings.map(({ rule, fired }) => ({
            rule: rule.id,
            kind: ruleKind(rule),
            fired,
          }))
          console.log(JSON.stringify({ firings, problems: result.problems, stored: result.stored }, null, 2))
        } else {
          printFirings(result.firings, result.problems, result.stored)
        }
        return
      }

      const folders = options.tests ? [options.tests] : testFolders(paths)
      if (folders.length === 0) {
        throw new Error(
          `no rule tests beside ${paths.join(', ')}: write tests/<rule-id>.yaml next to the rules, pass --tests FOLDER, or use --events FILE`,
        )
      }
      const { tests, errors } = readRuleTests(folders)
      for (const error of errors) console.error(`${error.file}: ${error.message}`)
      const byId = new Map(loaded.rules.map((rule) => [rule.id, rule]))
      const mine = tests.filter(({ test }) => byId.has(test.rule))
      const results = await runRuleTests(mine, byId, { ingest: ingestSamples, timeZone: options.timezone })
      if (options.json) console.log(JSON.stringify(results, null, 2))
      else {
        printCases(results)
        const others = tests.length - mine.length
        if (others > 0)
          console.log(
            `${others} test file(s) in ${folders.join(', ')} are for rules not loaded from ${paths.join(', ')}`,
          )
        const tested = new Set(mine.map(({ test }) => test.rule))
        const untested = loaded.rules.filter((rule) => !tested.has(rule.id)).map((rule) => rule.id)
        if (untested.length > 0) console.log(`rules without a test: ${untested.join(', ')}`)
      }
      if (errors.length > 0 || results.some((r) => r.status === 'fail')) process.exitCode = 1
    })
}
