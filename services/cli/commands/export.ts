import { type Command, CommanderError, InvalidArgumentError } from 'commander'
import { replayToSink, ReplayError } from '../../exporter/index.js'
import { openStore } from '../../platform/clickhouse.js'
import { ConfigError } from '../../platform/config.js'
import { loadRuntime, serve } from '../runtime.js'
import { registerExportVerify } from './export-verify.js'

function instant(value: string): Date {
  const ms = Date.parse(value)
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`"${value}" is not an ISO 8601 time such as 2026-11-01T00:00:00Z`)
  return new Date(ms)
}

export function registerExporter(program: Command): void {
  program
    .command('exporter')
    .description(
      'run the exporter alone (server mode): stored, redacted events to the sinks of export.sinks; needs KAFKA_BROKERS and CLICKHOUSE_URL',
    )
    .action(async () => {
      const loaded = loadRuntime()
      if (loaded.config.export.sinks.length === 0) {
        throw new ConfigError(
          `${loaded.configSource}: export.sinks is empty: configure at least one sink (see README, "Export")`,
          loaded.configSource,
        )
      }
      const runtime = await serve(
        loaded,
        { kafka: 'required', store: true, what: 'the exporter' },
        (context) => ({
          services: ['exporter'],
          ops: { port: context.config.export.opsPort, host: '0.0.0.0' },
        }),
      )
      console.log(`exporter running; health and metrics on ${runtime.ops!.url}`)
    })
}

export function registerExport(program: Command): void {
  const exportCommand = program.command('export').description('export tools')
  exportCommand
    .command('replay')
    .description(
      "re-send the stored events that occurred in [--from, --to) to one sink (backfill or a gap); the sink's checkpoint is not moved. In embedded mode, run it while `start` is stopped",
    )
    .requiredOption('--sink <name>', 'a sink of export.sinks')
    .requiredOption('--from <iso>', 'events that occurred at or after this time', instant)
    .requiredOption('--to <iso>', 'events that occurred before this time', instant)
    .addHelpText('after', '\nExit status: 0 sent, 1 the sink refused, 2 bad arguments or configuration.')
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message)
    })
    .action(async (options: { sink: string; from: Date; to: Date }) => {
      const { config, logger } = loadRuntime({ quiet: true })
      const store = openStore(config)
      try {
        const sent = await replayToSink({
          config,
          store,
          // Without KAFKA_BROKERS, the local broker of a running `mcp-audit start`.
          brokers: config.kafka.brokers ?? [`127.0.0.1:${config.kafka.localPort}`],
          sinkName: options.sink,
          fromMs: options.from.getTime(),
          toMs: options.to.getTime(),
          logger,
        })
        console.log(
          `replayed ${sent} event(s) that occurred in [${options.from.toISOString()}, ${options.to.toISOString()}) to sink ${options.sink}`,
        )
      } catch (err) {
        if (err instanceof ReplayError) {
          console.error(`error: ${err.message}`)
          if (err.reason === 'arguments') throw new CommanderError(2, 'mcp-audit.badArguments', err.message)
          process.exitCode = 1
          return
        }
        throw err
      } finally {
        await store.close()
      }
    })
  registerExportVerify(exportCommand)
}
