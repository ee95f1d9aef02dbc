import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { packageRoot } from '../../services/platform/paths.js'

export const CLI = path.join(packageRoot(), 'bin', 'mcp-audit.js')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * ClickHouse's notice when the machine's memory stays high, written by the embedded engine (chDB)
 * straight to stderr: informational and not ours, so it is no failure of a test that expects our
 * stderr to be empty (CI saw it on a loaded machine).
 */
const ENGINE_MEMORY_NOTICE = /^Setting jemalloc's dirty pages decay period to 0ms[^\n]*\n?/gm

/** Runs the built CLI (npm test builds first) with a clean environment plus `env`. */
export function runCli(args: string[], env: Record<string, string>, cwd = packageRoot()): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', ...env },
    timeout: 120_000,
  })
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr.replace(ENGINE_MEMORY_NOTICE, ''),
  }
}

export function spawnCli(args: string[], env: Record<string, string>, cwd = packageRoot()) {
  return spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  )
}

/**
 * Writes `mcp-audit.yaml` into `dataDir` for the CLI in a child process: the data dir, warn-level
 * logs, the brokers and topics, the database, then `lines` (more top-level keys); returns its path.
 */
export function writeCliConfig(options: {
  dataDir: string
  brokers: readonly string[]
  topics: { raw: string; dlq: string; receipts: string }
  database: string
  lines: readonly string[]
}): string {
  const { dataDir, brokers, topics, database, lines } = options
  const file = path.join(dataDir, 'mcp-audit.yaml')
  writeFileSync(
    file,
    [
      `dataDir: ${dataDir}`,
      'logLevel: warn',
      `kafka: { brokers: [${brokers.join(', ')}], topics: { raw: ${topics.raw}, dlq: ${topics.dlq}, receipts: ${topics.receipts} } }`,
      `clickhouse: { database: ${database} }`,
      ...lines,
      '',
    ].join('\n'),
  )
  return file
}
