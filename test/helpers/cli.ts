import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { packageRoot } from '../../services/platform/paths.js'

export const CLI = path.join(packageRoot(), 'bin', 'mcp-audit.js')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (npm test builds first) with a clean environment plus `env`. */
export function runCli(args: string[], env: Record<string, string>, cwd = packageRoot()): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', ...env },
    timeout: 120_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export function spawnCli(args: string[], env: Record<string, string>, cwd = packageRoot()) {
  return spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}
