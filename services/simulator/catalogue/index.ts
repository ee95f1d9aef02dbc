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

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
  return dir
}

/** The LiveMCPBench recording kept in the repository (test/fixtures/corpora/README.md). */
function defaultRecordingPath(): string {
  return path.join(repoRoot(), 'test/fixtures/corpora/livemcpbench/livemcpbench-claude-sonnet-4.json')
}

const cache = new Map<string, Catalogue>()

/**
 * `builtin`: the hand-written servers only (what tests pin for stable output). `auto` (default): plus
 * the servers of the recording kept in the repository. A path: plus the servers of that file.
 */
export function loadCatalogue(source: string = 'auto'): Catalogue {
  if (source === 'builtin') return { servers: [...BUILTIN_SERVERS] }
  const file = source === 'auto' ? defaultRecordingPath() : source
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
