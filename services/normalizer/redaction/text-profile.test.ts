import { describe, expect, it } from 'vitest'
import { CharClass } from './detector.js'
import { createTextProfiler } from './text-profile.js'

describe('createTextProfiler', () => {
  const profile = createTextProfiler([['bearer', 'basic'], ['he', 'she', 'hers'], ['密码'], ['://']])
  const keywordsOf = (text: string) => profile(text).keywords

  it('finds keywords of each list anywhere, ASCII letters in any case', () => {
    expect(keywordsOf('Authorization: BEARER x')).toBe(0b0001)
    expect(keywordsOf('ushers')).toBe(0b0010)
    expect(keywordsOf('数据库密码：x')).toBe(0b0100)
    expect(keywordsOf('https://a@b')).toBe(0b1000)
    expect(keywordsOf('basic auth for her, https://x')).toBe(0b1011)
    expect(keywordsOf('nothing to see')).toBe(0)
  })

  it('follows failure links: a keyword inside a longer partial match is found', () => {
    // `bas` starts `basic`; the `he` ending `bashe` must still be seen.
    expect(keywordsOf('bashe')).toBe(0b0010)
    expect(keywordsOf('bearbearer')).toBe(0b0001)
    expect(keywordsOf(':/://')).toBe(0b1000)
  })

  it('learns character classes and digit runs in the same pass', () => {
    const { classes } = profile('Ab 12-345.6789 @ 1234567 x：y 姓')
    for (const bit of [
      CharClass.UPPER,
      CharClass.DIGIT,
      CharClass.DASH,
      CharClass.DOT,
      CharClass.AT,
      CharClass.SEPARATOR,
      CharClass.HAN,
      CharClass.DIGITS_3,
      CharClass.DIGITS_4,
      CharClass.DIGITS_7,
    ])
      expect(classes & bit, `bit ${bit}`).toBe(bit)
    expect(classes & (CharClass.COLON | CharClass.DIGITS_17)).toBe(0)
    expect(profile('1'.repeat(16)).classes & CharClass.DIGITS_17).toBe(0)
    expect(profile('1'.repeat(17)).classes & CharClass.DIGITS_17).toBe(CharClass.DIGITS_17)
    expect(profile('Ér').classes & CharClass.UPPER).toBe(CharClass.UPPER)
    expect(profile('é × ÷').classes & CharClass.UPPER).toBe(0)
  })

  it('refuses more keyword lists than bits and empty keywords', () => {
    expect(() => createTextProfiler(Array.from({ length: 32 }, () => ['x']))).toThrow(/at most 31/)
    expect(() => createTextProfiler([['']])).toThrow(/empty keyword/)
  })
})
