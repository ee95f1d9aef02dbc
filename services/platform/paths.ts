import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder holding package.json. Code runs from `dist/` when built and from the sources under
 * vitest, so files shipped beside the code (migrations, rules, templates, the Kafka pom) are found
 * from the package root rather than from the module's own location.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && !dir.endsWith(`${path.sep}dist`)) return dir
    const parent = path.dirname(dir)
    if (parent === dir) {
      throw new Error('cannot find the mcp-audit package root (no package.json above the code)')
    }
    dir = parent
  }
}
