import type { KeyObject } from 'node:crypto'
import { type Command, CommanderError, InvalidArgumentError } from 'commander'
import { verifySinkArchive, type ArchiveVerification } from '../../exporter/index.js'
import { KeyFileError, readPublicKeyFile, trustedEd25519PublicKey } from '../../platform/ed25519-key.js'
import { reportKeyFiles } from '../../platform/report-signing-key.js'
import { loadRuntime } from '../runtime.js'

function instant(value: string): Date {
  const ms = Date.parse(value)
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`"${value}" is not an ISO 8601 time such as 2026-11-01T00:00:00Z`)
  return new Date(ms)
}

/** Bad arguments exit 2 (0 intact, 1 problems found), as for verify-store. */
function badArguments(message: string): never {
  console.error(`error: ${message}`)
  throw new CommanderError(2, 'mcp-audit.badArguments', message)
}

function printHuman(result: ArchiveVerification, where: string): void {
  console.log(
    `checked ${result.manifests} manifest(s), ${result.objects} object(s) and ${result.records} record(s) in ${where}`,
  )
  if (result.incomplete > 0) {
    console.log(
      `note: ${result.incomplete} manifest(s) were written at a shutdown while their hour was open; they are replaced when the hour closes`,
    )
  }
  for (const problem of result.problems)
    console.log(`${problem.kind.toUpperCase()} ${problem.key}: ${problem.detail}`)
  console.log(
    result.ok
      ? 'INTACT: every manifest is signed by the trusted key and every object matches its SHA-256'
      : `NOT INTACT: ${result.problems.length} problem(s)`,
  )
}

/** `export verify`: registered under `export` beside `export replay`. */
export function registerExportVerify(exportCommand: Command): void {
  exportCommand
    .command('verify')
    .description(
      "download an s3 sink's manifests and objects and check the manifests' signatures (the report signing key) and every object's SHA-256",
    )
    .requiredOption('--sink <name>', 'an s3 sink of export.sinks')
    .option('--from <iso>', 'hours (of stored time) from the one holding this time', instant)
    .option('--to <iso>', 'hours that start before this time', instant)
    .option(
      '--public-key <file>',
      'the report public key to trust (default: reporter.signingKey or <dataDir>/reports/signing-key.pub.pem)',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit status: 0 intact, 1 problems found (each named), 2 bad arguments.')
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message)
    })
    .action(async (options: { sink: string; from?: Date; to?: Date; publicKey?: string; json?: boolean }) => {
      if (options.from && options.to && options.from.getTime() >= options.to.getTime()) {
        badArguments('--from must be before --to')
      }
      const { config } = loadRuntime({ quiet: true })
      let trusted: KeyObject | undefined
      try {
        trusted = options.publicKey
          ? readPublicKeyFile(options.publicKey)
          : trustedEd25519PublicKey(reportKeyFiles(config))
      } catch (err) {
        if (err instanceof KeyFileError) badArguments(err.message)
        throw err
      }
      if (!trusted) {
        badArguments(
          `no report public key: none is configured (reporter.signingKey) and ${reportKeyFiles(config).publicKey} does not exist; pass --public-key FILE`,
        )
      }
      const outcome = await verifySinkArchive({
        config,
        sinkName: options.sink,
        trusted,
        ...(options.from ? { fromMs: options.from.getTime() } : {}),
        ...(options.to ? { toMs: options.to.getTime() } : {}),
      })
      if (outcome.kind === 'arguments') badArguments(outcome.message)
      const { result } = outcome
      if (options.json) console.log(JSON.stringify(result, null, 2))
      else printHuman(result, `s3://${outcome.bucket}/${outcome.prefix}`)
      if (!result.ok) process.exitCode = 1
    })
}
