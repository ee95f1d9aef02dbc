import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'

describe('canonicalJson', () => {
  it('ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}')
  })

  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    )
  })
})

/** The first implementation, kept as the definition the bytes must match (event ids depend on them). */
function definition(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(definition).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${definition(item)}`).join(',')}}`
}

describe('canonicalJson bytes', () => {
  it('match the definition on random values: unicode keys, escapes, undefined, holes, nesting', () => {
    let seed = 11
    const random = (below: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % below
    }
    const keys = ['a', 'B', 'b', '_', 'é', 'Z', '你', '\u{1F600}', 'a"b', 'x\ny', '10', '9', '', 'aa']
    const leaf = (): unknown =>
      [1, -2.5, 1e21, 0, true, false, null, undefined, 'tékst "q"\n', '', '\u0001', NaN][random(12)]
    const make = (depth: number): unknown => {
      const kind = depth > 3 ? 0 : random(3)
      if (kind === 0) return leaf()
      if (kind === 1) {
        const items = Array.from({ length: random(5) }, () => make(depth + 1))
        if (items.length < 3 || random(4) !== 0) return items
        const holed: unknown[] = new Array<unknown>(items.length)
        items.forEach((item, index) => {
          if (index !== 1) holed[index] = item
        })
        return holed
      }
      return Object.fromEntries(
        Array.from({ length: random(6) }, () => [keys[random(keys.length)]!, make(depth + 1)]),
      )
    }
    for (let i = 0; i < 3000; i++) {
      const value = make(0)
      expect(canonicalJson(value)).toBe(definition(value))
    }
    expect(canonicalJson(new Date(0))).toBe(definition(new Date(0)))
  })
})
