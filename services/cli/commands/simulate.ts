import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { type Command, InvalidArgumentError, Option } from 'commander'
import type { AppConfig } from '../../../schemas/config.js'
import { loadConfig } from '../../platform/config.js'
import {
  runSimulation,
  SAMPLE_TENANTS,
  SCENARIO_NAMES,
  SIM_FORMATS,
  type SimFormat,
  type SimulationSummary,
  type TenantSpec,
} from '../../simulator/index.js'

interface SimulateFlags {
  rate: number
  duration: number
  scenario: string[]
  seed?: string
  tenants?: TenantSpec[]
  formats?: SimFormat[]
  url?: string
  token: string[]
  out?: string
  perFormat?: boolean
  start?: string
  compressTime: number
  piiRate: number
  secretRate: number
  errorScale: number
  batchSize: number
  maxInFlight: number
  gzip?: boolean
  catalogue: string
  json?: boolean
  quiet?: boolean
}

function positiveNumber(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`)
  return number
}

function nonNegative(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0)
    throw new InvalidArgumentError(`expected zero or more, got "${value}"`)
  return number
}

function share(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0 || number > 1)
    throw new InvalidArgumentError(`expected a share between 0 and 1, got "${value}"`)
  return number
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** `acme:Europe/Berlin:3,globex:America/New_York` → tenants with zone and weight. */
function parseTenants(value: string): TenantSpec[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [id, timezone, weight] = item.split(':')
      if (!id || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(id)) {
        throw new InvalidArgumentError(
          `tenant "${item}": the id must be lowercase letters, digits, "-" or "_"`,
        )
      }
      const zone = timezone || SAMPLE_TENANTS.find((sample) => sample.id === id)?.timezone || 'UTC'
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone })
      } catch {
        throw new InvalidArgumentError(
          `tenant "${item}": "${zone}" is not an IANA time zone such as Europe/Berlin`,
        )
      }
      return { id, timezone: zone, ...(weight ? { weight: positiveNumber(weight) } : {}) }
    })
}

function parseFormats(value: string): SimFormat[] {
  const formats = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  for (const format of formats) {
    if (!(SIM_FORMATS as readonly string[]).includes(format)) {
      throw new InvalidArgumentError(`unknown format "${format}"; use any of ${SIM_FORMATS.join(', ')}`)
    }
  }
  return formats as SimFormat[]
}

/** The dev tenant's ingest token that `mcp-audit start` keeps in `<dataDir>/dev-tokens.json`. */
function devIngestToken(config: AppConfig): string | undefined {
  const file = path.join(config.dataDir, 'dev-tokens.json')
  if (!existsSync(file)) return undefined
  return (JSON.parse(readFileSync(file, 'utf8')) as { ingest?: string }).ingest
}

/**
 * `--token T` for every gateway, `--token acme=T` for a tenant, `--token acme/acme-kong=T` for one
 * gateway; then clear-text ingest tokens from the config; then the dev token.
 */
function tokenLookup(
  flags: string[],
  config: AppConfig,
): (tenant: string, gateway: string) => string | undefined {
  const byKey = new Map<string, string>()
  let fallback: string | undefined
  for (const flag of flags) {
    const eq = flag.indexOf('=')
    if (eq > 0 && /^[a-z0-9][a-z0-9_/-]*$/.test(flag.slice(0, eq)))
      byKey.set(flag.slice(0, eq), flag.slice(eq + 1))
    else fallback = flag
  }
  for (const tenant of config.tenants) {
    const token = tenant.tokens.find((candidate) => candidate.scope === 'ingest' && candidate.value)?.value
    if (token && !byKey.has(tenant.id)) byKey.set(tenant.id, token)
  }
  fallback ??= config.tenants.length === 0 ? devIngestToken(config) : undefined
  return (tenant, gateway) => byKey.get(`${tenant}/${gateway}`) ?? byKey.get(tenant) ?? fallback
}

function defaultTenants(config: AppConfig, offline: boolean): TenantSpec[] {
  if (config.tenants.length > 0)
    return config.tenants.map((tenant) => ({ id: tenant.id, timezone: tenant.timezone }))
  // A dev collector has one tenant, `default`, in UTC: simulate it, so working hours match its clock.
  return offline ? [...SAMPLE_TENANTS] : [{ id: 'default', timezone: 'UTC' }]
}

function printSummary(summary: SimulationSummary): void {
  const seconds = (summary.elapsedMs / 1000).toFixed(1)
  console.log(
    `simulated ${summary.calls} calls (${summary.events} events, ${summary.scenarioEvents} from scenarios) in ${seconds} s: ` +
      `${summary.callsPerSecond} calls/s (target ${summary.targetRate}), ${summary.eventsPerSecond} events/s, max lag ${summary.maxLagMs} ms${summary.stopped ? ' (stopped early)' : ''}`,
  )
  console.log(
    `seed ${summary.seed}; simulated time ${summary.start} → ${summary.end}; servers: built-in${summary.catalogue === 'builtin' ? '' : ` + ${summary.catalogue}`}`,
  )
  console.log(
    `service accounts (list them in pseudonymization.serviceAccounts): ${summary.serviceAccounts.join(', ')}`,
  )
  if (summary.http) {
    const { http } = summary
    const statuses = Object.entries(http.statuses)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ')
    console.log(
      `collector ${http.url}: accepted ${http.accepted}, rejected ${http.rejected}; ${http.requests} requests, ` +
        `${http.retries} retries, ${http.failed} failed; HTTP ${statuses || 'none'}; latency p50 ${http.latencyMs.p50} ms, p99 ${http.latencyMs.p99} ms`,
    )
    for (const error of http.sampleErrors) console.log(`  ${error}`)
  }
  for (const file of summary.files ?? []) console.log(`wrote ${file.records} records to ${file.file}`)
  for (const incident of summary.incidents) {
    console.log(
      `scenario ${incident.scenario}: tenant ${incident.tenant}, gateway ${incident.gateway} (${incident.format}), ` +
        `user ${incident.user ?? '(none)'}, ${incident.from} → ${incident.to}, ${incident.eventIds.length} events`,
    )
    for (const signal of incident.signals) console.log(`  ${signal}`)
    if (incident.note) console.log(`  note: ${incident.note}`)
  }
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'generate realistic MCP gateway traffic (benign and attack scenarios) and push it to a collector or to NDJSON files',
    )
    .requiredOption('--rate <n>', 'MCP calls per second (wall clock)', positiveNumber)
    .requiredOption('--duration <seconds>', 'how long to run (wall clock)', positiveNumber)
    .addOption(
      new Option(
        '--scenario <name>',
        `attack scenario, repeatable: all, benign, ${SCENARIO_NAMES.join(', ')}`,
      )
        .argParser(collect)
        .default([], 'benign'),
    )
    .option('--seed <n>', 'seed: the same seed and options (with --start) give the same events byte for byte')
    .option(
      '--tenants <list>',
      'tenants as id[:IANA zone[:weight]], comma-separated (default: the configured ones, else "default" in UTC)',
      parseTenants,
    )
    .option(
      '--formats <list>',
      `gateway formats each tenant runs (default all: ${SIM_FORMATS.join(', ')})`,
      parseFormats,
    )
    .option('--url <url>', 'collector base URL (default http://127.0.0.1:<collector.port>)')
    .addOption(
      new Option('--token <token>', 'ingest token: T, tenant=T or tenant/gateway=T; repeatable')
        .argParser(collect)
        .default([], 'clear-text ingest tokens of the config, else <dataDir>/dev-tokens.json'),
    )
    .option('--out <file>', 'write NDJSON instead of sending (generic events; with --url, both)')
    .option('--per-format', "with --out: one file per gateway format, in that gateway's own shape")
    .option(
      '--start <iso>',
      'start of simulated time (default: now; with --compress-time, so the span ends when the run does)',
    )
    .option(
      '--compress-time <factor>',
      'simulated time runs this many times faster (1440: a day per minute)',
      positiveNumber,
      1,
    )
    .option('--pii-rate <share>', 'share of tool calls carrying personal data', share, 0.02)
    .option('--secret-rate <share>', 'share of tool calls carrying a secret', share, 0.002)
    .option(
      '--error-scale <factor>',
      'multiplies tool error, timeout and forbidden-tool rates (0: no failures)',
      nonNegative,
      1,
    )
    .option('--batch-size <n>', 'records per request at most', positiveNumber, 200)
    .option('--max-in-flight <n>', 'concurrent requests at most', positiveNumber, 32)
    .option('--gzip', 'gzip request bodies')
    .option(
      '--catalogue <source>',
      'servers and tools: auto (built-in plus the LiveMCPBench recording kept in the repository), builtin, or a recording file',
      'auto',
    )
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress lines')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  mcp-audit simulate --rate 50 --duration 60                                # benign traffic to the local collector\n' +
        '  mcp-audit simulate --rate 100 --duration 60 --compress-time 1440 --scenario all --seed 7\n' +
        '  mcp-audit simulate --rate 1000 --duration 10 --out day.ndjson --start 2026-11-24T00:00:00Z --compress-time 8640',
    )
    .action(async (flags: SimulateFlags) => {
      const { config } = loadConfig()
      const offline = flags.out !== undefined && flags.url === undefined
      const url = offline ? undefined : (flags.url ?? `http://127.0.0.1:${config.collector.port || 8080}`)
      const tokenFor = tokenLookup(flags.token, config)
      const tenants = flags.tenants ?? defaultTenants(config, offline)
      const formats = flags.formats ?? SIM_FORMATS
      const missing = tenants.find(
        (tenant) => !formats.every((format) => tokenFor(tenant.id, `${tenant.id}-${format}`)),
      )
      if (url && missing) {
        throw new Error(
          `no ingest token for tenant ${missing.id}: pass --token, or run \`mcp-audit start\` once so ${path.join(config.dataDir, 'dev-tokens.json')} exists`,
        )
      }
      let printedAt = 0
      const controller = new AbortController()
      const stop = () => controller.abort()
      process.once('SIGINT', stop)
      try {
        const summary = await runSimulation({
          rate: flags.rate,
          duration: flags.duration,
          scenarios: flags.scenario,
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          tenants,
          ...(flags.formats ? { formats: flags.formats } : {}),
          ...(url ? { url, token: tokenFor } : {}),
          ...(flags.out ? { out: flags.out, perFormatFiles: flags.perFormat ?? false } : {}),
          ...(flags.start ? { start: flags.start } : {}),
          compressTime: flags.compressTime,
          piiRate: flags.piiRate,
          secretRate: flags.secretRate,
          errorScale: flags.errorScale,
          batchSize: flags.batchSize,
          maxInFlight: flags.maxInFlight,
          gzip: flags.gzip ?? false,
          catalogue: flags.catalogue,
          signal: controller.signal,
          ...(flags.quiet || flags.json
            ? {}
            : {
                onProgress: (progress) => {
                  if (progress.elapsedMs - printedAt < 5_000) return
                  printedAt = progress.elapsedMs
                  const http = progress.http
                    ? `, accepted ${progress.http.accepted}, retries ${progress.http.retries}, failed ${progress.http.failed}`
                    : ''
                  process.stderr.write(
                    `${(progress.elapsedMs / 1000).toFixed(0)} s: ${progress.calls} calls, ${progress.events} events${http}, lag ${Math.max(0, Math.round(progress.lagMs))} ms\n`,
                  )
                },
              }),
        })
        if (flags.json) console.log(JSON.stringify(summary, null, 2))
        else printSummary(summary)
        if (summary.http && (summary.http.failed > 0 || summary.http.rejected > 0)) {
          console.error(
            `error: ${summary.http.rejected} events were not accepted (${summary.http.failed} requests failed); see the reasons above`,
          )
          process.exitCode = 1
        }
      } finally {
        process.off('SIGINT', stop)
      }
    })
}
