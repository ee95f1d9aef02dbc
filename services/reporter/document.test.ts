import { describe, expect, it } from 'vitest'
import { formatCell, tickStep } from './document.js'

describe('document helpers', () => {
  it('picks round tick steps, whole numbers for counts', () => {
    expect(tickStep(9)).toBe(2)
    expect(tickStep(1)).toBe(1)
    expect(tickStep(0)).toBe(1)
    expect(tickStep(10_000)).toBe(2_000)
    expect(tickStep(0.5)).toBeCloseTo(0.1)
  })

  it('formats counts with separators and decimals with one digit', () => {
    expect(formatCell(1234567)).toBe('1,234,567')
    expect(formatCell(12.345)).toBe('12.3')
    expect(formatCell('读取文件')).toBe('读取文件')
  })
})
