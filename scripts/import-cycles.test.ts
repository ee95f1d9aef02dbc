import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../services/platform/paths.js'

/**
 * No file of services/ or schemas/ imports itself through others (type-only imports count: a cycle
 * of types still ties the files together). Imports are read with TypeScript's own pre-processor, so
 * comments and strings do not count.
 */

const ROOTS = ['services', 'schemas']

type ImportGraph = Map<string, string[]>

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(file)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : []
  })
}

/** Each file (relative to `root`) → the files it imports by relative path (`./x.js` is `x.ts`). */
function importGraph(root: string): ImportGraph {
  const files = ROOTS.flatMap((dir) => typeScriptFiles(path.join(root, dir)))
  const known = new Set(files.map((file) => path.relative(root, file)))
  const graph: ImportGraph = new Map()
  for (const file of files) {
    const from = path.relative(root, file)
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => path.join(path.dirname(from), specifier).replace(/\.js$/, '.ts'))
      .filter((target) => known.has(target))
    graph.set(from, [...new Set(targets)])
  }
  return graph
}

/** Every cycle found by a depth-first walk, each as its files in import order, the first repeated last. */
function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = []
  const done = new Set<string>()
  const onPath: string[] = []
  const visit = (file: string) => {
    const at = onPath.indexOf(file)
    if (at >= 0) {
      cycles.push([...onPath.slice(at), file])
      return
    }
    if (done.has(file)) return
    onPath.push(file)
    for (const target of graph.get(file) ?? []) visit(target)
    onPath.pop()
    done.add(file)
  }
  for (const file of [...graph.keys()].sort()) visit(file)
  return cycles
}

describe('import cycles', () => {
  it('finds a cycle and names its files in order', () => {
    const graph: ImportGraph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
    ])
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
    expect(findCycles(new Map([['a.ts', ['a.ts']]]))).toEqual([['a.ts', 'a.ts']])
  })

  it('reads type-only, re-exported and dynamic imports, and skips comments', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-import-graph-'))
    try {
      mkdirSync(path.join(root, 'services', 'x'), { recursive: true })
      mkdirSync(path.join(root, 'schemas'))
      const write = (file: string, text: string) => writeFileSync(path.join(root, file), text)
      write(
        'services/x/a.ts',
        [
          "import type { B } from './b.js'",
          "export { c } from '../../schemas/c.js'",
          "// import { d } from './d.js'",
          "const e = await import('./e.js')",
          "import { z } from 'zod'",
        ].join('\n'),
      )
      for (const file of ['services/x/b.ts', 'schemas/c.ts', 'services/x/d.ts', 'services/x/e.ts'])
        write(file, '')
      expect(importGraph(root).get('services/x/a.ts')).toEqual([
        'services/x/b.ts',
        'schemas/c.ts',
        'services/x/e.ts',
      ])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('has none in services/ and schemas/', () => {
    const cycles = findCycles(importGraph(packageRoot())).map((cycle) => cycle.join(' → '))
    expect(cycles, 'break each cycle: move what both files need into a third').toEqual([])
  })
})
