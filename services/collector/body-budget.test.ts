import { describe, expect, it } from 'vitest'
import { BodyBudget } from './body-budget.js'

describe('BodyBudget', () => {
  it('reserves a plain body by its Content-Length, a compressed or chunked one by the inflated maximum', () => {
    const budget = new BodyBudget(10_000, 5_000)
    expect(budget.shareOf({ 'content-length': '1200' })).toBe(1200)
    expect(budget.shareOf({ 'content-length': '1200', 'content-encoding': 'gzip' })).toBe(5_000)
    expect(budget.shareOf({ 'transfer-encoding': 'chunked' })).toBe(5_000)
    expect(budget.shareOf({ 'content-length': '99999999' })).toBe(5_000)
    expect(budget.shareOf({ 'content-length': 'twelve' })).toBe(5_000)
  })

  it('refuses what does not fit beside the bodies in flight, and admits again once they are released', () => {
    const budget = new BodyBudget(10_000, 5_000)
    const first = budget.reserve(5_000)
    const second = budget.reserve(5_000)
    expect(first).toBeDefined()
    expect(second).toBeDefined()
    expect(budget.reserve(1)).toBeUndefined()
    first!()
    first!() // a second release gives nothing back twice
    expect(budget.inFlight).toBe(5_000)
    expect(budget.reserve(5_000)).toBeDefined()
  })

  it('always admits one body when nothing is in flight, even a budget smaller than the body limit', () => {
    const budget = new BodyBudget(1_000, 5_000)
    expect(budget.reserve(5_000)).toBeDefined()
    expect(budget.reserve(1)).toBeUndefined()
  })
})
