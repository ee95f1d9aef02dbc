import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Command } from 'commander'
import { stringify } from 'yaml'
import { ruleKind } from '../../../schemas/rules.js'
import { formatRuleError, loadRules } from '../../detector/rules/load.js'
import { convertSigma, type SigmaResult } from '../../detector/rules/sigma.js'

function validate(paths: string[]): void {
  const { rules, errors, files } = loadRules(paths)
  const idWidth = Math.max(4, ...rules.map((rule) => rule.id.length))
  for (const rule of rules) {
    const flags = rule.enabled ? '' : ' (disabled)'
    console.log(
      `${rule.id.padEnd(idWidth)}  ${ruleKind(rule).padEnd(9)}  ${rule.severity.padEnd(8)}  ${rule.title}${flags}`,
    )
  }
  const fileCount = `${files.length} file${files.length === 1 ? '' : 's'}`
  if (errors.length === 0) {
    console.log(`${rules.length} rule${rules.length === 1 ? '' : 's'} OK in ${fileCount}`)
    return
  }
  for (const error of errors) console.error(formatRuleError(error))
  const failing = new Set(errors.map((error) => error.file)).size
  console.error(
    `${errors.length} error${errors.length === 1 ? '' : 's'} in ${failing} of ${fileCount} (${rules.length} rule(s) valid): fix them and run \`mcp-audit rules validate\` again`,
  )
  process.exitCode = 1
}

function report(result: SigmaResult): string {
  const lines: string[] = []
  switch (result.status) {
    case 'converted':
      lines.push(`converted   "${result.source}" → ${result.ruleId ?? ''} (${result.kind ?? ''})`)
      break
    case 'referenced':
      lines.push(`referenced  "${result.source}"`)
      break
    case 'skipped':
      lines.push(`skipped     "${result.source}"`)
      for (const problem of result.problems) lines.push(`    cannot convert: ${problem}`)
  }
  for (const note of result.notes) lines.push(`    note: ${note}`)
  return lines.join('\n')
}

function importSigma(file: string, options: { out?: string; force?: boolean }): void {
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path to the Sigma rule file`,
      { cause: err },
    )
  }
  if (options.out && existsSync(options.out) && !options.force) {
    throw new Error(`${options.out} exists: choose another --out file, or pass --force to overwrite it`)
  }
  const { rules, results } = convertSigma(source)
  for (const result of results) console.error(report(result))
  if (rules.length === 0) {
    console.error(
      `nothing converted from ${file}: no Sigma rule in it maps onto audit_events (reasons above)`,
    )
    process.exitCode = 1
    return
  }
  const yaml = `# Converted from ${file} by \`mcp-audit rules import-sigma\`; review before use.\n${stringify({ rules }, { lineWidth: 0 })}`
  if (!options.out) {
    process.stdout.write(yaml)
    return
  }
  mkdirSync(dirname(options.out), { recursive: true })
  writeFileSync(options.out, yaml)
  const skipped = results.filter((result) => result.status === 'skipped').length
  console.error(
    `wrote ${rules.length} rule(s) to ${options.out}${skipped > 0 ? ` (${skipped} skipped)` : ''}; check them with \`mcp-audit rules validate ${options.out}\``,
  )
}

/** `mcp-audit rules …`; returns the `rules` command so other modules can add subcommands (`rules test`). */
export function registerRules(program: Command): Command {
  const rules = program.command('rules').description('check, import and test detection rules')
  rules
    .command('validate')
    .description(
      'check rule files and folders (*.yaml, *.yml; tests/ folders are skipped); exits 1 on any error',
    )
    .argument('<paths...>', 'rule files or folders')
    .addHelpText('after', '\nExample:\n  mcp-audit rules validate rules/ my-rules/extra.yaml')
    .action((paths: string[]) => validate(paths))
  rules
    .command('import-sigma')
    .description(
      'convert Sigma rules (single-event detections, event_count / value_count correlations) to mcp-audit rules; says per rule what cannot be converted, exits 1 when nothing converts',
    )
    .argument('<file>', 'a Sigma rule file (several rules may be separated by ---)')
    .option('-o, --out <file>', 'write the converted rules here instead of to standard output')
    .option('--force', 'overwrite the --out file if it exists')
    .addHelpText(
      'after',
      '\nExample:\n  mcp-audit rules import-sigma safe-mcp/detection-rule.yml --out rules/imported/safe-mcp.yaml',
    )
    .action((file: string, options: { out?: string; force?: boolean }) => importSigma(file, options))
  return rules
}
