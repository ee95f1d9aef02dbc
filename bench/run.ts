import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { packageRoot } from '../services/platform/paths.js'
import { collectorBenchmark } from './collector.js'
import { detectorBenchmark } from './detector.js'
import { e2eBenchmark } from './e2e.js'
import { exportBenchmark } from './export.js'
import { integrityBenchmark } from './integrity.js'
import { normalizerBenchmark } from './normalizer.js'
import { redactionBenchmark } from './redaction.js'
import { reporterBenchmark } from './reporter.js'
import { securityBenchmark } from './security.js'
import { describeMachine } from './lib/machine.js'
import { REDACTION_ENTRY } from './lib/redaction-engines.js'
import { renderSections, type Benchmark, type BenchmarkContext, type BenchmarkReport } from './lib/report.js'

/**
 * `npm run bench`: runs the registered benchmarks one after another, prints their tables and
 * appends a dated section (machine, command, results) to BENCHMARKS.md.
 */

const redaction: Benchmark = {
  name: 'redaction',
  summary:
    'our redaction engine beside redact-pii and @openredaction/openredaction on the same inputs: speed, recall, precision',
  run: async (ctx) => {
    const { markdown } = await redactionBenchmark(ctx.redactionBaseline)
    return { sections: [], markdown }
  },
}

const BENCHMARKS: readonly Benchmark[] = [
  collectorBenchmark,
  normalizerBenchmark,
  detectorBenchmark,
  redaction,
  e2eBenchmark,
  reporterBenchmark,
  securityBenchmark,
  integrityBenchmark,
  exportBenchmark,
]

const USAGE = `Usage: npm run bench -- [--only NAMES] [--quick] [--no-record] [--redaction-baseline DIR]

  --only NAMES                run these benchmarks only (comma-separated, e.g. e2e,detector)
  --quick                     short windows for a smoke run; figures are not comparable with a full run
  --no-record                 print the results without appending them to BENCHMARKS.md
  --redaction-baseline DIR    the redaction benchmark also runs the engine of another build, from its
                              output folder (the dist/ of an earlier commit): same inputs, same run

Benchmarks:
${BENCHMARKS.map((b) => `  ${b.name.padEnd(13)}  ${b.summary}`).join('\n')}`

interface Cleanup {
  name: string
  step: () => Promise<void> | void
}

const cleanups: Cleanup[] = []

async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const { name, step } = cleanups.pop()!
    try {
      await step()
    } catch (err) {
      console.error(`clean-up "${name}" failed: ${(err as Error).message}`)
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  console.error(`\n${signal}: stopping the broker and removing temporary folders…`)
  void cleanUp().finally(() => process.exit(130))
}

function commandLine(args: readonly string[]): string {
  const rest = args.length > 0 ? ` ${args.join(' ')}` : ''
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${rest ? ` --${rest}` : ''}`
    : `node dist/bench/run.js${rest}`
}

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(2)
}

interface CommandLine {
  selected: Benchmark[]
  quick: boolean
  record: boolean
  redactionBaseline?: string
}

function parseCommandLine(args: string[]): CommandLine {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: {
        only: { type: 'string' },
        quick: { type: 'boolean', default: false },
        'no-record': { type: 'boolean', default: false },
        'redaction-baseline': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    })
  } catch (err) {
    usageError((err as Error).message)
  }
  const { values } = parsed
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const names = values.only?.split(',').map((name) => name.trim()) ?? []
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name))
  if (unknown.length > 0) usageError(`no benchmark named "${unknown.join('", "')}"`)
  const selected =
    names.length > 0 ? BENCHMARKS.filter((benchmark) => names.includes(benchmark.name)) : [...BENCHMARKS]
  const baseline = values['redaction-baseline']
  if (baseline !== undefined && !existsSync(path.join(baseline, REDACTION_ENTRY)))
    usageError(`--redaction-baseline ${baseline}: no ${REDACTION_ENTRY} there (give a build's dist folder)`)
  return {
    selected,
    quick: values.quick,
    record: !values['no-record'],
    ...(baseline !== undefined ? { redactionBaseline: path.resolve(baseline) } : {}),
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const { selected, quick, record, redactionBaseline } = parseCommandLine(args)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  const machine = describeMachine()
  const loadAverage = os.loadavg()[0]!
  const started = new Date()
  const results: Array<{ benchmark: Benchmark; report: BenchmarkReport; seconds: number }> = []
  for (const benchmark of selected) {
    const ctx: BenchmarkContext = {
      quick,
      progress: (message) => console.error(`[${benchmark.name}] ${message}`),
      defer: (name, step) => cleanups.push({ name, step }),
      ...(redactionBaseline !== undefined ? { redactionBaseline } : {}),
    }
    const begun = performance.now()
    try {
      results.push({
        benchmark,
        report: await benchmark.run(ctx),
        seconds: (performance.now() - begun) / 1000,
      })
    } finally {
      await cleanUp()
    }
  }

  const environment = Object.assign(
    {},
    ...results.map((result) => result.report.environment ?? {}),
  ) as Record<string, string>
  const totalSeconds = Math.round((Date.now() - started.getTime()) / 1000)
  const lines = [
    `## ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${selected.map((b) => b.name).join(', ')}${quick ? ' (quick run, not comparable)' : ''}`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${os.type()} ${os.release()}; load average ${loadAverage.toFixed(2)} at start`,
    `- Node ${machine.node}${Object.entries(environment)
      .map(([name, value]) => `; ${name}: ${value}`)
      .join('')}`,
    `- Command: \`${commandLine(args)}\` (${totalSeconds} s)`,
  ]
  for (const { benchmark, report, seconds } of results) {
    lines.push(
      '',
      `### ${benchmark.name} (${Math.round(seconds)} s)`,
      '',
      renderSections(report.sections, '####'),
      ...(report.markdown ? ['', report.markdown] : []),
    )
  }
  const section = `${lines.join('\n')}\n`
  console.log(`\n${section}`)

  const problems = results.flatMap(({ report }) => report.problems ?? [])
  if (record) {
    const file = path.join(packageRoot(), 'BENCHMARKS.md')
    if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n')
    appendFileSync(file, `\n${section}`)
    console.error(`appended to ${file}`)
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`problem: ${problem}`)
    process.exitCode = 1
  }
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
  await cleanUp()
  process.exitCode = 1
})
