import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type Command, InvalidArgumentError } from 'commander'
import { openStore } from '../../platform/clickhouse.js'
import { AUDIT_EVENTS } from '../../platform/store/audit-events.js'
import { loadRuntime } from '../runtime.js'

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=')
  if (eq <= 0) throw new InvalidArgumentError(`expected name=value, got "${value}"`)
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) }
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run read-only SQL against the store; prints one JSON object per row')
    .argument('<sql>', 'a SELECT (or SHOW/DESCRIBE/EXPLAIN); use {name:Type} placeholders with --param')
    .option('-p, --param <name=value>', 'a query parameter (repeatable)', collectParam, {})
    .option('--max-rows <n>', 'stop after this many result rows', (v) => Number.parseInt(v, 10), 100_000)
    .addHelpText(
      'after',
      `\nExample:\n  mcp-audit query "SELECT tool, count() AS calls FROM mcp_audit.${AUDIT_EVENTS} FINAL WHERE tenant_id = {t:String} GROUP BY tool" -p t=default`,
    )
    .action(async (sql: string, options: { param: Record<string, string>; maxRows: number }) => {
      const { config } = loadRuntime({ quiet: true })
      const store = openStore(config)
      try {
        const result = await store.client.query({
          query: sql,
          format: 'JSONEachRow',
          query_params: options.param,
          clickhouse_settings: {
            // 2 = read-only data and DDL, settings may still be changed by the client itself.
            readonly: '2',
            max_result_rows: String(options.maxRows),
            result_overflow_mode: 'break',
            max_execution_time: 300,
          },
        })
        await pipeline(
          result.stream(),
          new Writable({
            objectMode: true,
            write(rows: Array<{ text: string }>, _encoding, done) {
              const ok = process.stdout.write(rows.map((row) => `${row.text}\n`).join(''))
              if (ok) done()
              else process.stdout.once('drain', () => done())
            },
          }),
        )
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        if (/readonly mode/i.test(message)) {
          throw new Error(
            'mcp-audit query is read-only: writes, DDL and SYSTEM statements are refused. Use `mcp-audit migrate` for schema changes.',
            { cause: err },
          )
        }
        throw new Error(`query failed: ${message.trim()}`, { cause: err })
      } finally {
        await store.close()
      }
    })
}
