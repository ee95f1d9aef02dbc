import { spawn, spawnSync } from 'node:child_process'
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
