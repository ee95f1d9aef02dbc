import type { Rng } from '../rng.js'
import type { ServerSpec, ToolContext } from '../types.js'
import {
  bool,
  dateBetween,
  int,
  jsonResult,
  LOREM_TOPICS,
  schema,
  str,
  strList,
  textResult,
  tool,
} from './define.js'

export const SOURCE_FILES = [
  'README.md',
  'package.json',
  'src/index.ts',
  'src/server.ts',
  'src/handlers/orders.ts',
  'src/handlers/payments.ts',
  'src/lib/retry.ts',
  'docs/architecture.md',
  'docs/runbook.md',
  'tests/orders.test.ts',
  'CHANGELOG.md',
  'config/settings.yaml',
  'Dockerfile',
]

export function projectPath(rng: Rng, ctx: ToolContext): { root: string; file: string } {
  const root = `/workspace/${rng.pick(ctx.tenant.world.repos)}`
  return { root, file: `${root}/${rng.pick(SOURCE_FILES)}` }
}

export function fileBody(rng: Rng, path: string): string {
  if (path.endsWith('.md')) {
    return `# ${path.split('/').pop()!.replace('.md', '')}\n\nThis service handles ${rng.pick(LOREM_TOPICS)}.\n\n## Setup\n\n1. npm ci\n2. npm test\n`
  }
  if (path.endsWith('package.json')) {
    return JSON.stringify(
      { name: path.split('/')[2], version: `1.${rng.int(0, 20)}.${rng.int(0, 9)}`, type: 'module' },
      null,
      2,
    )
  }
  if (path.endsWith('.yaml')) return `server:\n  port: 8080\n  workers: ${rng.int(2, 8)}\nlog_level: info\n`
  if (path.endsWith('Dockerfile'))
    return 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "dist/index.js"]\n'
  return `export async function handle(req: Request): Promise<Response> {\n  const attempt = ${rng.int(1, 5)}\n  return retry(() => process(req), { attempts: attempt })\n}\n`
}

const ENOENT = (_rng: Rng, args: Record<string, unknown>) =>
  `Error: ENOENT: no such file or directory, open '${typeof args.path === 'string' ? args.path : String(args.source)}'`

export const filesystem: ServerSpec = {
  name: 'filesystem',
  version: '2025.8.21',
  transport: 'stdio',
  roles: ['developer', 'sre', 'data-analyst'],
  origin: 'builtin',
  resource: (rng, ctx) => {
    const { file } = projectPath(rng, ctx)
    return { uri: `file://${file}`, text: fileBody(rng, file) }
  },
  tools: [
    tool({
      name: 'read_file',
      description: 'Read the complete contents of a file from the file system.',
      inputSchema: schema({ path: str() }, ['path']),
      weight: 30,
      latency: { medianMs: 4, sigma: 0.7 },
      errors: { tool: 0.02, rpc: 0.001, timeout: 0 },
      args: (rng, ctx) => ({ path: projectPath(rng, ctx).file }),
      result: (rng, args) => textResult(fileBody(rng, String(args.path))),
      toolError: ENOENT,
    }),
    tool({
      name: 'write_file',
      description: 'Create a new file or completely overwrite an existing file with new content.',
      inputSchema: schema({ path: str(), content: str() }, ['path', 'content']),
      weight: 8,
      latency: { medianMs: 6, sigma: 0.6 },
      freeTextArg: 'content',
      args: (rng, ctx) => {
        const { file } = projectPath(rng, ctx)
        return { path: file, content: fileBody(rng, file) }
      },
      result: (_rng, args) => textResult(`Successfully wrote to ${String(args.path)}`),
      toolError: (_rng, args) => `Error: EACCES: permission denied, open '${String(args.path)}'`,
    }),
    tool({
      name: 'edit_file',
      description: 'Make line-based edits to a text file. Returns a git-style diff.',
      inputSchema: schema(
        { path: str(), edits: { type: 'array', items: { type: 'object' } }, dryRun: bool() },
        ['path', 'edits'],
      ),
      weight: 6,
      latency: { medianMs: 7, sigma: 0.6 },
      args: (rng, ctx) => ({
        path: projectPath(rng, ctx).file,
        edits: [{ oldText: `attempts: ${rng.int(1, 3)}`, newText: `attempts: ${rng.int(4, 6)}` }],
        dryRun: rng.bool(0.2),
      }),
      result: (_rng, args) =>
        textResult(`\`\`\`diff\n--- ${String(args.path)}\n+++ ${String(args.path)}\n@@ -2 +2 @@\n\`\`\``),
      toolError: () => 'Error: Could not find exact match for edit',
    }),
    tool({
      name: 'list_directory',
      description: 'Get a detailed listing of all files and directories in a specified path.',
      inputSchema: schema({ path: str() }, ['path']),
      weight: 15,
      latency: { medianMs: 3, sigma: 0.6 },
      args: (rng, ctx) => ({ path: projectPath(rng, ctx).root }),
      result: () => textResult('[DIR] src\n[DIR] docs\n[DIR] tests\n[FILE] README.md\n[FILE] package.json'),
      toolError: ENOENT,
    }),
    tool({
      name: 'search_files',
      description: 'Recursively search for files and directories matching a pattern.',
      inputSchema: schema({ path: str(), pattern: str(), excludePatterns: strList() }, ['path', 'pattern']),
      weight: 6,
      latency: { medianMs: 25, sigma: 0.8 },
      args: (rng, ctx) => ({
        path: projectPath(rng, ctx).root,
        pattern: rng.pick(['*.test.ts', 'retry', 'handler', '*.md']),
        excludePatterns: ['node_modules'],
      }),
      result: (rng, args) => textResult(`${String(args.path)}/${rng.pick(SOURCE_FILES)}`),
    }),
    tool({
      name: 'get_file_info',
      description: 'Retrieve detailed metadata about a file or directory.',
      inputSchema: schema({ path: str() }, ['path']),
      weight: 4,
      latency: { medianMs: 2, sigma: 0.5 },
      args: (rng, ctx) => ({ path: projectPath(rng, ctx).file }),
      result: (rng) =>
        textResult(
          `size: ${rng.int(200, 40_000)}\nmodified: ${dateBetween(rng, '2026-01-01T00:00:00Z', 300)}\nisFile: true\npermissions: 644`,
        ),
      toolError: ENOENT,
    }),
    tool({
      name: 'directory_tree',
      description: 'Get a recursive tree view of files and directories as a JSON structure.',
      inputSchema: schema({ path: str() }, ['path']),
      weight: 2,
      latency: { medianMs: 20, sigma: 0.7 },
      args: (rng, ctx) => ({ path: projectPath(rng, ctx).root }),
      result: () =>
        jsonResult([{ name: 'src', type: 'directory', children: [{ name: 'index.ts', type: 'file' }] }]),
    }),
    tool({
      name: 'create_directory',
      description: 'Create a new directory or ensure a directory exists.',
      inputSchema: schema({ path: str() }, ['path']),
      weight: 2,
      latency: { medianMs: 2, sigma: 0.5 },
      args: (rng, ctx) => ({ path: `${projectPath(rng, ctx).root}/${rng.pick(['tmp', 'out', 'reports'])}` }),
      result: (_rng, args) => textResult(`Successfully created directory ${String(args.path)}`),
    }),
    tool({
      name: 'move_file',
      description: 'Move or rename files and directories.',
      inputSchema: schema({ source: str(), destination: str() }, ['source', 'destination']),
      weight: 1,
      latency: { medianMs: 3, sigma: 0.5 },
      args: (rng, ctx) => {
        const { file } = projectPath(rng, ctx)
        return { source: file, destination: `${file}.bak` }
      },
      result: (_rng, args) =>
        textResult(`Successfully moved ${String(args.source)} to ${String(args.destination)}`),
      toolError: ENOENT,
    }),
  ],
}

export const git: ServerSpec = {
  name: 'git',
  version: '2025.7.1',
  transport: 'stdio',
  roles: ['developer', 'service-account'],
  origin: 'builtin',
  tools: [
    ['git_status', 'Shows the working tree status', 12],
    ['git_diff_unstaged', 'Shows changes in the working directory that are not yet staged', 6],
    ['git_diff_staged', 'Shows changes that are staged for commit', 3],
    ['git_log', 'Shows the commit logs', 6],
    ['git_add', 'Adds file contents to the staging area', 4],
    ['git_commit', 'Records changes to the repository', 3],
    ['git_create_branch', 'Creates a new branch from an optional base branch', 1],
    ['git_checkout', 'Switches branches', 2],
    ['git_show', 'Shows the contents of a commit', 2],
  ].map(([name, description, weight]) =>
    tool({
      name: name as string,
      description: description as string,
      inputSchema: schema({ repo_path: str(), message: str(), files: strList(), max_count: int() }, [
        'repo_path',
      ]),
      weight: weight as number,
      latency: { medianMs: 15, sigma: 0.6 },
      freeTextArg: name === 'git_commit' ? 'message' : undefined,
      args: (rng, ctx) => {
        const repo_path = `/workspace/${rng.pick(ctx.tenant.world.repos)}`
        if (name === 'git_commit') return { repo_path, message: `fix: ${rng.pick(LOREM_TOPICS)}` }
        if (name === 'git_add') return { repo_path, files: [rng.pick(SOURCE_FILES)] }
        if (name === 'git_log') return { repo_path, max_count: rng.pick([5, 10, 20]) }
        if (name === 'git_create_branch' || name === 'git_checkout') {
          return { repo_path, branch_name: `feature/${rng.hex(6)}` }
        }
        if (name === 'git_show') return { repo_path, revision: rng.hex(7) }
        return { repo_path }
      },
      result: (rng) =>
        textResult(
          name === 'git_log'
            ? `Commit history:\nCommit: '${rng.hex(40)}'\nAuthor: <dev@example.com>\nMessage: 'fix: ${rng.pick(LOREM_TOPICS)}'`
            : `Repository status:\nOn branch main\nChanges not staged for commit:\n  modified: ${rng.pick(SOURCE_FILES)}`,
        ),
      toolError: () => 'fatal: not a git repository (or any of the parent directories): .git',
    }),
  ),
}
