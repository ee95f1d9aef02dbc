import { describe, expect, it } from 'vitest'
import { createWordTable } from './word-table.js'

describe('createWordTable', () => {
  const words = Array.from({ length: 5000 }, (_, i) => `Name${i.toString(36)}`)
  const table = createWordTable(
    new Map([...words.map((word, i) => [word, (i % 7) + 1] as const), ['Zoë', 9]]),
  )

  it('finds every word, in place inside a longer text and alone', () => {
    words.forEach((word, i) => {
      const text = `x ${word} y`
      expect(table.at(text, 2, 2 + word.length)).toBe((i % 7) + 1)
      expect(table.get(word)).toBe((i % 7) + 1)
    })
    expect(table.get('Zoë')).toBe(9)
  })

  it('answers 0 for a word that is absent, a prefix or an extension of one that is present', () => {
    expect(table.get('Name')).toBe(0)
    expect(table.get('Name0x')).toBe(0)
    expect(table.at('Name1 Name2', 0, 7)).toBe(0)
    expect(table.get('')).toBe(0)
    expect(table.get('name1')).toBe(0)
  })

  it('tells apart two words with the same hash', () => {
    // `Name2rnw` and `Namejpba` have the same 32-bit FNV-1a hash: only the stored words differ.
    const colliding = createWordTable(
      new Map([
        ['Name2rnw', 1],
        ['Namejpba', 2],
      ]),
    )
    expect(colliding.get('Name2rnw')).toBe(1)
    expect(colliding.get('Namejpba')).toBe(2)
    expect(colliding.at('x Namejpba', 2, 10)).toBe(2)
  })
})
