import { Command, CommanderError } from 'commander'
import { ConfigError } from '../platform/config.js'
import { registerCollector } from './commands/collector.js'
import { registerConsole } from './commands/console.js'
import { registerExport, registerExporter } from './commands/export.js'
import { registerDetector, registerDlq, registerNormalizer } from './commands/normalizer.js'
import { registerMigrate } from './commands/migrate.js'
import { registerQuery } from './commands/query.js'
import { registerReport, registerReporter } from './commands/report.js'
import { registerRules } from './commands/rules.js'
import { registerRulesTest } from './commands/rules-test.js'
import { registerSimulate } from './commands/simulate.js'
import { registerStart } from './commands/start.js'
import { registerVerifyStore } from './commands/verify-store.js'

const program = new Command()
  .name('mcp-audit')
  .description('Audit analytics and compliance pipeline for MCP traffic')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()

registerStart(program)
registerCollector(program)
registerNormalizer(program)
registerDetector(program)
registerConsole(program)
registerExporter(program)
registerDlq(program)
registerExport(program)
registerMigrate(program)
registerQuery(program)
registerReport(program)
registerReporter(program)
registerSimulate(program)
registerVerifyStore(program)
registerRulesTest(registerRules(program))

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode
  } else if (err instanceof ConfigError) {
    console.error(`error: ${err.message}`)
    process.exitCode = 2
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  }
}
