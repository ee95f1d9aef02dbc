import { describe, expect, it } from 'vitest'
import { createThroughput } from './throughput.js'

describe('createThroughput', () => {
  it('averages over the time since start while that is shorter than a minute', () => {
    let nowMs = 1_000_000
    const throughput = createThroughput(() => nowMs)
    expect(throughput.perSecond()).toBe(0)
    nowMs += 2_000
    throughput.add(500)
    nowMs += 3_000
    throughput.add(500)
    expect(throughput.perSecond()).toBe(200)
  })

  it('counts only the sends of the last minute', () => {
    let nowMs = 0
    const throughput = createThroughput(() => nowMs)
    throughput.add(6_000)
    nowMs = 30_000
    throughput.add(600)
    nowMs = 80_000
    expect(throughput.perSecond()).toBe(10)
    nowMs = 150_000
    expect(throughput.perSecond()).toBe(0)
  })
})
