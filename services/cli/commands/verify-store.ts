import type { KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type Command, CommanderError, InvalidArgumentError } from 'commander'
import {
  describeSeal,
  parseAnchor,
  sealKeyFiles,
  trustedSealPublicKey,
  verifyAnchor,
  verifyStore,
  type Problem,
  type VerifyResult,
} from '../../integrity/index.js'
import type { IntegrityAnchor } from '../../../schemas/integrity-anchor.js'
import { openStore } from '../../platform/clickhouse.js'
import { KeyFileError, readPublicKeyFile } from '../../platform/ed25519-key.js'
import { loadRuntime } from '../runtime.js'

interface VerifyStoreOptions {
  tenant?: string
  from?: Date
  to?: Date
  publicKey?: string
  anchor?: string
  json?: boolean
}

/** The anchor file: a body an `integrity.anchor` webhook received, or its `data`. */
function readAnchorFile(file: string): IntegrityAnchor {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    badArguments(`--anchor ${file}: cannot read it as JSON: ${(err as Error).message}`)
  }
  const parsed = parseAnchor(json)
  if (parsed.kind === 'invalid') badArguments(`--anchor ${file}: ${parsed.reason}`)
  return parsed.anchor
}

function instant(value: string): Date {
  const ms = Date.parse(value)
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`"${value}" is not an ISO 8601 time such as 2026-11-01T00:00:00Z`)
  return new Date(ms)
}

/** Bad arguments exit 2 (0 intact, 1 problems found), as the contract says. */
function badArguments(message: string): never {
  console.error(`error: ${message}`)
  throw new CommanderError(2, 'mcp-audit.badArguments', message)
}

function printProblems(problems: readonly Problem[]): void {
  for (const problem of problems) {
    const seal = problem.seal ? ` seal ${describeSeal(problem.seal)}` : ''
    console.log(`${problem.kind.toUpperCase()}${seal}: ${problem.detail}`)
    if (problem.eventIds.length > 0) {
      const more =
        problem.count > problem.eventIds.length
          ? ` … and ${problem.count - problem.eventIds.length} more`
          : ''
      console.log(`  event ids (${problem.count}): ${problem.eventIds.join(', ')}${more}`)
    }
  }
}

function printHuman(result: VerifyResult, anchor?: { file: string; problems: Problem[] }): void {
  const expired = result.expired > 0 ? `, ${result.expired} sealed row(s) expired by retention` : ''
  console.log(`checked ${result.seals} seal(s) and ${result.rows} stored row(s)${expired}`)
  if (anchor) {
    console.log(
      anchor.problems.length === 0
        ? `ANCHOR ${anchor.file}: every anchored seal is stored unchanged and its chain up to it verifies`
        : `ANCHOR ${anchor.file}: ${anchor.problems.length} problem(s)`,
    )
    printProblems(anchor.problems)
  }
  if (result.ok) {
    console.log('INTACT: every seal verifies and every sealed row is stored unchanged')
    return
  }
  printProblems(result.problems)
  console.log(`NOT INTACT: ${result.problems.length} problem(s)`)
}

export function registerVerifyStore(program: Command): void {
  program
    .command('verify-store')
    .description('recompute the sealed audit trail from the stored rows and check its chains and signatures')
    .option('--tenant <id>', 'one tenant (default: all)')
    .option('--from <iso>', 'rows that occurred at or after this time', instant)
    .option('--to <iso>', 'rows that occurred before this time', instant)
    .option(
      '--public-key <file>',
      'the seal public key to trust (default: integrity.signingKey or <dataDir>/integrity/seal-key.pub.pem)',
    )
    .option(
      '--anchor <file>',
      'an integrity.anchor copy (the webhook body or its data): prove the store still holds its seals and everything before them',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit status: 0 intact, 1 problems found (each named), 2 bad arguments.')
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message)
    })
    .action(async (options: VerifyStoreOptions) => {
      if (options.from && options.to && options.from.getTime() >= options.to.getTime()) {
        badArguments('--from must be before --to')
      }
      const anchor = options.anchor ? readAnchorFile(options.anchor) : undefined
      if (anchor && options.tenant !== undefined && options.tenant !== anchor.tenant_id) {
        badArguments(`--tenant ${options.tenant} differs from the anchor's tenant ${anchor.tenant_id}`)
      }
      const tenant = options.tenant ?? anchor?.tenant_id
      const { config } = loadRuntime({ quiet: true })
      let publicKey: KeyObject | undefined
      try {
        publicKey = options.publicKey ? readPublicKeyFile(options.publicKey) : trustedSealPublicKey(config)
      } catch (err) {
        if (err instanceof KeyFileError) badArguments(err.message)
        throw err
      }
      if (!publicKey) {
        badArguments(
          `no seal public key: none is configured (integrity.signingKey) and ${sealKeyFiles(config).publicKey} does not exist; pass --public-key FILE`,
        )
      }
      const store = openStore(config)
      try {
        const result = await verifyStore(store, {
          ...(tenant !== undefined ? { tenantId: tenant } : {}),
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
          publicKey,
          sealIntervalSeconds: config.integrity.sealIntervalSeconds,
        })
        const anchored = anchor
          ? { file: options.anchor!, problems: await verifyAnchor(store, anchor, publicKey) }
          : undefined
        const ok = result.ok && (anchored?.problems.length ?? 0) === 0
        if (options.json) {
          const anchorResult = anchored
            ? { anchor: { ok: anchored.problems.length === 0, problems: anchored.problems } }
            : {}
          console.log(JSON.stringify({ ...result, ok, ...anchorResult }, null, 2))
        } else printHuman(result, anchored)
        if (!ok) process.exitCode = 1
      } finally {
        await store.close()
      }
    })
}
