import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { RuleTestFile } from '../../../schemas/rules.js'

export interface RuleTestSource {
  file: string
  test: RuleTestFile
}

export interface RuleTestLoadError {
  file: string
  message: string
}

/** Rule test files: the YAML files in these folders (not recursive) or the files themselves. */
export function readRuleTests(paths: readonly string[]): {
  tests: RuleTestSource[]
  errors: RuleTestLoadError[]
} {
  const tests: RuleTestSource[] = []
  const errors: RuleTestLoadError[] = []
  const files: string[] = []
  for (const p of paths) {
    let folder: boolean
    try {
      folder = statSync(p).isDirectory()
    } catch {
      errors.push({
        file: p,
        message: 'no such file or folder; rule tests live in rules/tests/<rule-id>.yaml',
      })
      continue
    }
    if (!folder) files.push(p)
    else {
      const names = readdirSync(p).filter((name) => /\.ya?ml$/i.test(name))
      files.push(...names.sort().map((name) => path.join(p, name)))
    }
  }
  for (const file of files) {
    let raw: unknown
    try {
      raw = parseYaml(readFileSync(file, 'utf8'))
    } catch (err) {
      errors.push({ file, message: `not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}` })
      continue
    }
    const parsed = RuleTestFile.safeParse(raw)
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      errors.push({
        file,
        message: `not a rule test (rule, now, cases[name, expect, events]): ${issues.join('; ')}`,
      })
      continue
    }
    tests.push({ file, test: parsed.data })
  }
  return { tests, errors }
}
