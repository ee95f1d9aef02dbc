import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Catalogue, ServerSpec } from '../types.js'
import { github } from './github.js'
import { postgres } from './postgres.js'
import { commandsServer, desktopCommander } from './shell.js'
import { slack } from './slack.js'
import { fetchServer, playwright } from './web.js'
import { filesystem, git } from './workspace.js'
import { loadLiveMcpBench } from './livemcpbench.js'

/** Servers every tenant runs, with hand-written argument and result generators. */
export const BUILTIN_SERVERS: readonly ServerSpec[] = [
  filesystem,
  github,
  slack,
  postgres,
  fetchServer,
  playwright,
  git,
  desktopCommander,
  commandsServer,
]

function repoRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** The LiveMCPBench recording in the shared folder beside the repository, when it is there. */
export function defaultRecordingPath(): string | undefined {
  const root = repoRoot()
  if (!root) return undefined
  const file = path.join(root, '..', 'shared', 'data', 'mcp-traffic', 'livemcpbench-claude-sonnet-4.json')
  return existsSync(file) ? file : undefined
}

const cache = new Map<string, Catalogue>()

/**
 * `builtin`: the hand-written servers only (what tests pin for stable output). `auto` (default): plus
 * the recorded servers when the shared recording is present. A path: plus the servers of that file.
 */
export function loadCatalogue(source: string = 'auto'): Catalogue {
  const file = source === 'builtin' ? undefined : source === 'auto' ? defaultRecordingPath() : source
  if (!file) return { servers: [...BUILTIN_SERVERS] }
  const cached = cache.get(file)
  if (cached) return cached
  if (!existsSync(file)) {
    throw new Error(
      `catalogue file ${file} does not exist; pass a LiveMCPBench JSON file, "auto" or "builtin"`,
    )
  }
  const builtinNames = new Set(BUILTIN_SERVERS.map((server) => server.name))
  // Same-named recorded servers are other implementations (puppeteer vs playwright): the built-in wins.
  const exclude = new Set([...builtinNames, 'puppeteer', 'playwright', 'npx_fetch'])
  const catalogue = { servers: [...BUILTIN_SERVERS, ...loadLiveMcpBench(file, exclude)], source: file }
  cache.set(file, catalogue)
  return catalogue
}
