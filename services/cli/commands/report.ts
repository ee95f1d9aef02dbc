import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { openStore } from '../../platform/clickhouse.js'
import { withDevTenant } from '../../platform/dev-tenant.js'
import { createKafka } from '../../platform/kafka/client.js'
import { migrate } from '../../platform/migrations.js'
import { createKafkaSelfAudit, createLoggingSelfAudit } from '../../platform/self-audit.js'
import {
  embeddedKeyId,
  MANIFEST_FILE,
  manifestPathFor,
  readSignedManifest,
  verifyReportFiles,
} from '../../reporter/manifest.js'
import { Locale } from '../../../schemas/locale.js'
import { previousPeriod, type PeriodKind } from '../../reporter/period.js'
import { createReports } from '../../reporter/reports.js'
import {
  loadSigningKey,
  readPublicKeyFile,
  SigningKeyError,
  signingKeyPaths,
  trustedPublicKey,
  type TrustedKey,
} from '../../reporter/signing-key.js'
import { REPORT_FORMATS, type ReportFormat } from '../../reporter/types.js'
import { loadRuntime, serve } from '../runtime.js'

function parseTime(value: string): Date {
  const time = Date.parse(value)
  if (Number.isNaN(time))
    throw new InvalidArgumentError(`"${value}" is not an ISO 8601 time such as 2026-11-01T00:00:00Z`)
  return new Date(time)
}

function parseFormats(value: string): ReportFormat[] {
  const formats = value.split(',').map((f) => f.trim().toLowerCase())
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f))
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown format ${unknown.join(', ')}; use ${REPORT_FORMATS.join(', ')}`)
  return formats as ReportFormat[]
}

function parseLocale(value: string): Locale {
  const parsed = Locale.safeParse(value)
  if (!parsed.success) throw new InvalidArgumentError(`use ${Locale.options.join(' or ')}`)
  return parsed.data
}

function parsePeriod(value: string): PeriodKind {
  if (value !== 'last-day' && value !== 'last-week' && value !== 'last-month') {
    throw new InvalidArgumentError('use last-day, last-week or last-month')
  }
  return value
}

interface GenerateOptions {
  tenant?: string
  from?: Date
  to?: Date
  period?: PeriodKind
  format: ReportFormat[]
  out?: string
  name?: string
  locale?: Locale
}

async function generateNow(options: GenerateOptions): Promise<void> {
  const runtime = loadRuntime({ quiet: true })
  const { config } = withDevTenant(runtime.config)
  const logger = runtime.logger
  if (!options.tenant) throw new Error('give --tenant <id> (run `mcp-audit report --help` for usage)')
  const tenant = config.tenants.find((t) => t.id === options.tenant)
  if (!tenant) {
    throw new Error(
      `unknown tenant "${options.tenant}"; configured: ${config.tenants.map((t) => t.id).join(', ')}`,
    )
  }
  let { from, to } = options
  if (options.period) ({ from, to } = previousPeriod(options.period, new Date(), tenant.timezone))
  if (!from || !to)
    throw new Error('give --from and --to (ISO 8601), or --period last-day|last-week|last-month')
  const store = openStore(config)
  const selfAudit = config.kafka.brokers
    ? createKafkaSelfAudit(
        createKafka(
          { brokers: config.kafka.brokers, clientId: config.kafka.clientId, security: config.kafka },
          logger,
        ),
        config,
        logger,
      )
    : createLoggingSelfAudit(logger)
  try {
    await migrate(store, logger)
    const reports = createReports({
      config,
      store,
      logger,
      selfAudit,
      signingKey: loadSigningKey(config, logger),
    })
    const record = await reports.generate({
      tenantId: tenant.id,
      from,
      to,
      formats: options.format,
      requestedBy: process.env.USER ? `cli:${process.env.USER}` : 'cli',
      requestedByRole: 'admin',
      requestedVia: 'cli',
      ...(options.name ? { name: options.name } : {}),
      ...(options.locale ? { locale: options.locale } : {}),
      ...(options.out ? { outDir: options.out } : {}),
    })
    const dir = options.out
      ? path.resolve(options.out, record.report_id)
      : path.join(path.resolve(config.dataDir), 'reports', tenant.id, record.report_id)
    console.log(
      `report ${record.report_id} for ${tenant.id}, ${record.period_from} – ${record.period_to} (${record.timezone})`,
    )
    console.log(`checks: ${record.checks.pass} pass, ${record.checks.warn} warn, ${record.checks.fail} fail`)
    console.log(`files in ${dir}:`)
    for (const file of record.files)
      console.log(`  ${file.name.padEnd(28)} ${String(file.bytes).padStart(9)} B  sha256 ${file.sha256}`)
    console.log(`verify with: mcp-audit report verify ${path.join(dir, MANIFEST_FILE)}`)
  } finally {
    await selfAudit.stop()
    await store.close()
  }
}

/**
 * The key `report verify` trusts: --public-key, else the configured or exported one. Never the key
 * the manifest carries: whoever rewrites a report can re-sign it with their own.
 */
function resolveTrustedKey(manifest: string, options: { publicKey?: string }): TrustedKey | string {
  const { config } = loadRuntime({ quiet: true })
  let trusted: TrustedKey | undefined
  try {
    trusted = options.publicKey ? readPublicKeyFile(options.publicKey) : trustedPublicKey(config)
  } catch (err) {
    if (err instanceof SigningKeyError) return err.message
    throw err
  }
  if (trusted) return trusted
  const { signed } = readSignedManifest(manifest)
  const claimed = signed ? embeddedKeyId(signed) : undefined
  return (
    `no trusted public key, so ${manifest} cannot be verified. The public key inside a manifest proves nothing ` +
    `(whoever changes a report can re-sign it with their own key). Pass --public-key FILE with the signer's ` +
    `public key: <dataDir>/reports/signing-key.pub.pem of the installation that generated the report` +
    `${claimed ? ` (the manifest claims key ${claimed})` : ''}; none is configured (reporter.signingKey) or exported at ` +
    `${signingKeyPaths(config).publicKey} here.`
  )
}

async function verifyFile(file: string, options: { publicKey?: string }): Promise<void> {
  const manifest = manifestPathFor(file)
  const trusted = resolveTrustedKey(manifest, options)
  if (typeof trusted === 'string') {
    console.error(`error: ${trusted}`)
    process.exitCode = 2
    return
  }
  const resolved = path.resolve(file)
  const only =
    existsSync(resolved) && !statSync(resolved).isDirectory() && path.basename(resolved) !== MANIFEST_FILE
      ? path.basename(resolved)
      : undefined
  const result = await verifyReportFiles(manifest, { trusted: trusted.key, ...(only ? { only } : {}) })
  if (!result.ok) {
    console.error(`FAILED: ${manifest}`)
    for (const problem of result.problems) console.error(`  - ${problem}`)
    process.exitCode = 1
    return
  }
  const files = result.manifest?.files.length ?? 0
  console.log(
    `OK: ${files} file(s) match ${manifest}, signed by the trusted key ${result.keyId ?? '?'} (${trusted.source})`,
  )
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description(
      'generate a compliance report now (PDF, HTML, CSV, JSON with a signed manifest), or verify one',
    )
    .option('--tenant <id>', 'tenant to report on (required to generate)')
    .option('--from <iso>', 'start of the period (inclusive), ISO 8601', parseTime)
    .option('--to <iso>', 'end of the period (exclusive), ISO 8601', parseTime)
    .option(
      '--period <kind>',
      "instead of --from/--to: the last complete day, week or month in the tenant's time zone",
      parsePeriod,
    )
    .option('--format <list>', 'comma-separated formats: pdf,html,csv,json', parseFormats, [
      'pdf',
      'html',
      'csv',
      'json',
    ] as ReportFormat[])
    .option('--out <dir>', 'write the files under DIR/<report id> instead of <dataDir>/reports/<tenant>/')
    .option('--name <text>', 'report title')
    .option(
      '--locale <locale>',
      "report language: en or zh-CN (default: the tenant's tenants[].locale, else en)",
      parseLocale,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  mcp-audit report --tenant acme --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --format pdf,csv\n  mcp-audit report --tenant acme --period last-week\n  mcp-audit report --tenant acme --period last-month --locale zh-CN\n  mcp-audit report verify ./data/reports/acme/rpt_20261101_ab12cd34ef/report.pdf',
    )
    .action(generateNow)
  report
    .command('verify')
    .description(
      "check a report's files against its signed manifest.json and a trusted public key; exits 1 on any change, 2 without a trusted key",
    )
    .argument('<file>', 'manifest.json, the report directory, or any file of the report')
    .option(
      '--public-key <pem>',
      'the Ed25519 public key you trust, e.g. the signer’s signing-key.pub.pem (default: reporter.signingKey, else <dataDir>/reports/signing-key.pub.pem); the key inside the manifest is never trusted',
    )
    .action(verifyFile)
}

export function registerReporter(program: Command): void {
  program
    .command('reporter')
    .description(
      'run the reporter alone (server mode): scheduled reports from config; needs a ClickHouse server (CLICKHOUSE_URL)',
    )
    .action(async () => {
      const runtime = await serve(
        loadRuntime(),
        { kafka: 'optional', store: true, devTenant: true, what: 'the reporter' },
        () => ({ services: ['reporter'] }),
      )
      const { reporter, context } = runtime
      console.log(
        `reporter running: ${context.config.reports.length} schedule(s), signing key ${reporter!.signingKey.keyId}`,
      )
    })
}
