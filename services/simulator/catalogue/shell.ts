import type { ServerSpec } from '../types.js'
import { projectPath } from './workspace.js'
import { int, schema, str, textResult, tool } from './define.js'

const COMMANDS = [
  'npm test',
  'npm run lint',
  'git status',
  'ls -la',
  'python -m pytest -q',
  'kubectl get pods -n staging',
  'docker ps',
  'go test ./...',
]

export const desktopCommander: ServerSpec = {
  name: 'desktop-commander',
  version: '0.2.7',
  transport: 'stdio',
  roles: ['developer', 'sre'],
  origin: 'builtin',
  tools: [
    tool({
      name: 'start_process',
      description: 'Start a new terminal process with intelligent state detection.',
      inputSchema: schema({ command: str(), timeout_ms: int(), shell: str() }, ['command', 'timeout_ms']),
      weight: 6,
      requiredRole: 'shell',
      latency: { medianMs: 380, sigma: 0.4 },
      errors: { tool: 0.02, rpc: 0.001, timeout: 0.001 },
      args: (rng) => ({ command: rng.pick(COMMANDS), timeout_ms: rng.pick([5000, 10000, 30000]) }),
      result: (rng) =>
        textResult(
          `Process started with PID ${rng.int(1000, 99999)}\nInitial output:\n${rng.int(3, 120)} passing`,
        ),
      toolError: (_rng, args) => `Error: command exited with code 1: ${String(args.command)}`,
    }),
    tool({
      name: 'read_process_output',
      description: 'Read output from a running process.',
      inputSchema: schema({ pid: int(), timeout_ms: int() }, ['pid']),
      weight: 3,
      requiredRole: 'shell',
      latency: { medianMs: 120, sigma: 0.5 },
      args: (rng) => ({ pid: rng.int(1000, 99999), timeout_ms: 5000 }),
      result: () => textResult('Tests: 42 passed, 42 total'),
    }),
    tool({
      name: 'search_code',
      description: 'Search for text or code patterns within file contents using ripgrep.',
      inputSchema: schema({ path: str(), pattern: str(), filePattern: str() }, ['path', 'pattern']),
      weight: 4,
      latency: { medianMs: 60, sigma: 0.7 },
      args: (rng, ctx) => ({
        path: projectPath(rng, ctx).root,
        pattern: rng.pick(['ERROR', 'TODO', 'retry']),
        filePattern: '*.ts',
      }),
      result: (rng) => textResult(`src/lib/retry.ts:${rng.int(1, 200)}: // TODO tune backoff`),
    }),
  ],
}

/** mcp-server-commands (g0t4): one tool that runs a shell command, the shape most exec servers share. */
export const commandsServer: ServerSpec = {
  name: 'commands',
  version: '0.6.0',
  transport: 'stdio',
  roles: ['developer', 'sre'],
  origin: 'builtin',
  tools: [
    tool({
      name: 'run_command',
      description: 'Run a command on this machine (shell syntax); returns STDOUT and STDERR.',
      inputSchema: schema({ command: str(), workdir: str(), stdin: str() }, ['command']),
      weight: 1,
      requiredRole: 'shell',
      latency: { medianMs: 300, sigma: 0.45 },
      errors: { tool: 0.02, rpc: 0.001, timeout: 0.001 },
      args: (rng, ctx) => ({ command: rng.pick(COMMANDS), workdir: projectPath(rng, ctx).root }),
      result: (rng) => textResult(`exit code 0\n${rng.int(3, 120)} passing`),
      toolError: (_rng, args) => `exit code 1\nSTDERR: ${String(args.command)}: tests failed`,
    }),
  ],
}
