import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadRules } from '../../detector/rules/load.js'
import { registerRules } from './rules.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SIGMA = join(ROOT, 'test/fixtures/sigma')

let out: string[]
let err: string[]

beforeEach(() => {
  out = []
  err = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')))
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = undefined
})

async function run(...args: string[]): Promise<number> {
  const program = new Command().exitOverride()
  const rules = registerRules(program)
  expect(rules.name()).toBe('rules')
  await program.parseAsync(args, { from: 'user' })
  return Number(process.exitCode ?? 0)
}

describe('mcp-audit rules validate', () => {
  it('lists each rule of the built-in pack with kind and severity', async () => {
    expect(await run('rules', 'validate', join(ROOT, 'rules'))).toBe(0)
    expect(out).toContainEqual(
      expect.stringMatching(/^mcp-high-error-rate\s+threshold\s+medium\s+HighErrorRate/),
    )
    expect(out.at(-1)).toMatch(/^\d+ rules OK in 1 file$/)
    expect(err).toEqual([])
  })

  it('prints the good rules, then every error, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-audit-cli-rules-'))
    writeFileSync(
      join(dir, 'mine.yaml'),
      'rules:\n  - { id: fine-rule, title: Fine, severity: low, match: { field: tool, equals: x } }\n  - { id: bad-rule, title: Bad, severity: low, match: { field: tool, regex: "(?<=a)b" } }\n',
    )
    expect(await run('rules', 'validate', dir)).toBe(1)
    expect(out).toContainEqual(expect.stringMatching(/^fine-rule\s+match\s+low\s+Fine$/))
    expect(err[0]).toMatch(/mine\.yaml:3: rule bad-rule: match\.regex: regex lookbehind/)
    expect(err.at(-1)).toContain('1 error in 1 of 1 file (1 rule(s) valid)')
  })
})

describe('mcp-audit rules import-sigma', () => {
  it('writes converted rules that validate, and reports each Sigma rule', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'mcp-audit-cli-sigma-')), 'imported', 'corr.yaml')
    expect(await run('rules', 'import-sigma', join(SIGMA, 'mcp-correlations.yml'), '--out', target)).toBe(0)
    expect(err).toContainEqual(
      expect.stringMatching(
        /^converted {3}"Repeated MCP authorization denials for one user" → sigma-repeated-/,
      ),
    )
    expect(err).toContainEqual(
      expect.stringMatching(
        /^skipped {5}"MCP denial followed by success"\n {4}cannot convert: correlation type temporal_ordered/,
      ),
    )
    expect(err.at(-1)).toMatch(/wrote 2 rule\(s\) to .*corr\.yaml \(1 skipped\)/)
    expect(readFileSync(target, 'utf8')).toMatch(/^# Converted from /)
    const loaded = loadRules([target])
    expect(loaded.errors).toEqual([])
    expect(loaded.rules.map((rule) => rule.id)).toHaveLength(2)

    await expect(
      run('rules', 'import-sigma', join(SIGMA, 'mcp-correlations.yml'), '--out', target),
    ).rejects.toThrow(/exists: .*--force/)
  })

  it('prints YAML to standard output without --out', async () => {
    expect(await run('rules', 'import-sigma', join(SIGMA, 'safe-mcp-fake-tool-invocation.yml'))).toBe(0)
    expect(out.join('')).toContain('id: sigma-mcp-spoofed-privileged-tool-invocation')
  })

  it('exits 1 when nothing converts, and says why', async () => {
    expect(await run('rules', 'import-sigma', join(SIGMA, 'webserver-exposed-endpoint.yml'))).toBe(1)
    expect(err.join('\n')).toContain('cannot convert: selection selection_endpoint: unknown field c-uri-path')
    expect(err.at(-1)).toContain('nothing converted from')
    expect(out).toEqual([])
  })

  it('names a missing file', async () => {
    await expect(run('rules', 'import-sigma', join(SIGMA, 'missing.yml'))).rejects.toThrow(
      /cannot read .*missing\.yml \(ENOENT\)/,
    )
  })
})
