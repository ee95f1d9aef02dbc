import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  adversarialInputs,
  classSamples,
  cpuMs,
  measureGrowth,
  repeatTo,
} from '../../normalizer/redaction/growth.js'
import { compileRegex, regexProblem } from './regex.js'

/**
 * Every regex of the built-in pack runs in linear time on inputs built to make V8's backtracking
 * engine retry: its literal words and punctuation repeated, each followed by long runs of the
 * characters its classes accept, with the rest of the pattern missing.
 */

const N = 20_000
const MAX_RATIO = 3
const SCREEN_RATIO = 2.4
const PACK = resolve(dirname(fileURLToPath(import.meta.url)), '../../../rules/mcp-core.yaml')

interface PackRegex {
  source: string
  caseSensitive: boolean
}

function collect(node: unknown, out: PackRegex[]): PackRegex[] {
  if (Array.isArray(node)) node.forEach((item) => collect(item, out))
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>
    if (typeof record.regex === 'string')
      out.push({ source: record.regex, caseSensitive: record.case_sensitive === true })
    Object.values(record).forEach((value) => collect(value, out))
  }
  return out
}

/** The literal words and punctuation of `source`: text that makes the regex start or continue a match. */
function triggers(source: string): string[] {
  const plain = source.replace(/\\[a-zA-Z]/g, ' ')
  const words = plain.match(/[A-Za-z_]{2,}/g) ?? []
  const punctuation = [...new Set(plain.match(/[|;&<>$(/.`'"=-]/g) ?? [])]
  return [...new Set([...words, ...punctuation, words.join(' ') + ' ', words.slice(0, -1).join(' ') + ' '])]
}

/** Inputs whose time grows by MAX_RATIO or more from n to 2n, described. */
function superlinear(
  test: (text: string) => boolean,
  inputs: ReturnType<typeof adversarialInputs>,
  n = N,
): string[] {
  const slow: string[] = []
  for (const input of inputs) {
    const small = input.make(n)
    const large = input.make(2 * n)
    test(small)
    let started = cpuMs()
    test(small)
    const screenSmall = cpuMs() - started
    started = cpuMs()
    test(large)
    const screenLarge = cpuMs() - started
    if (screenLarge < 1 || screenLarge / screenSmall < SCREEN_RATIO) continue
    const growth = [1, 2, 3]
      .map(() => measureGrowth(test, input.make, n))
      .reduce((best, next) => (next.ratio < best.ratio ? next : best))
    if (growth.ratio >= MAX_RATIO) {
      slow.push(
        `${input.name}: ${growth.small.toFixed(2)} ms → ${growth.large.toFixed(2)} ms (×${growth.ratio.toFixed(1)})`,
      )
    }
  }
  return slow
}

const regexes = collect(parse(readFileSync(PACK, 'utf8')), [])

describe('built-in rule regexes run in linear time', () => {
  it('finds the regexes of the pack, and the linear-time check accepts each', () => {
    expect(regexes.length).toBeGreaterThanOrEqual(10)
    for (const { source } of regexes) expect(regexProblem(source), source).toBeNull()
  })

  for (const { source, caseSensitive } of regexes) {
    it(
      source,
      () => {
        const pattern = compileRegex(source, caseSensitive)
        const test = (text: string) => pattern.test(text)
        expect(superlinear(test, adversarialInputs(triggers(source), classSamples(source)))).toEqual([])
      },
      180_000,
    )
  }

  it('flags the quadratic pattern the pack used to hold (the measurement can fail)', () => {
    const before = compileRegex(String.raw`\bnc(at)?\s[^|;&]*\s-e\s`, false)
    // Quadratic: about 4 from n to 2n, where a linear pattern gives about 2. The largest of three
    // measurements counts, as load on a shared machine can only blur the growth, not create it.
    const ratios = [0, 1, 2].map(
      () =>
        measureGrowth(
          (text) => before.test(text),
          (n) => repeatTo('nc ', n),
          N / 4,
        ).ratio,
    )
    expect(Math.max(...ratios)).toBeGreaterThan(SCREEN_RATIO)
  }, 180_000)
})
