import { describe, expect, it } from 'vitest'
import { percentDecode } from './percent.js'

describe('percentDecode', () => {
  it('returns null when there is no escape', () => {
    expect(percentDecode('100% sure, a+b')).toBeNull()
  })

  it('decodes escapes and form-encoded spaces, mapping each character to its input span', () => {
    const decoded = percentDecode('a%3Db+c')!
    expect(decoded.text).toBe('a=b c')
    expect(decoded.starts).toEqual([0, 1, 4, 5, 6])
    expect(decoded.ends).toEqual([1, 4, 5, 6, 7])
  })

  it('decodes UTF-8 sequences to one character spanning all their escapes', () => {
    const decoded = percentDecode('%E5%AF%86%E7%A0%81=x')!
    expect(decoded.text).toBe('密码=x')
    expect([decoded.starts[1], decoded.ends[1]]).toEqual([9, 18])
  })

  it('keeps a byte that starts no valid sequence as one character, and bad escapes as they are', () => {
    expect(percentDecode('%FFa%E5%41%zz')!.text).toBe('\u00ffa\u00e5A%zz')
  })
})
