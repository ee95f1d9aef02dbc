import { describe, expect, it } from 'vitest'
import type { PreparedEvent } from './prepare.js'
import { messageBytes, refuseOversized } from './record-size.js'

const prepared = (index: number, valueBytes: number): PreparedEvent => ({
  index,
  key: `k${index}`,
  value: 'x'.repeat(valueBytes),
  format: 'generic',
  eventId: `e${index}`,
  timestamp: '2026-11-24T10:00:00Z',
})

describe('refuseOversized', () => {
  it('refuses the events over the limit by their record index and keeps the others', () => {
    const events = [prepared(0, 100), prepared(1, 5_000), prepared(2, 100), prepared(2, 4_000)]
    const result = refuseOversized({ events, errors: [{ index: 1, path: 'tool', message: 'bad' }] }, 1_000)
    expect(result.events.map((e) => e.index)).toEqual([0, 2])
    expect(result.errors.map((e) => e.index)).toEqual([1, 1, 2])
    expect(result.errors[2]!.message).toMatch(/over collector\.maxRecordBytes \(1000\)/)
    // Record 1 was already invalid; record 2 is refused for its size.
    expect(result.tooLarge).toBe(1)
  })

  it('counts key, value and framing', () => {
    const event = prepared(0, 1_000)
    expect(messageBytes(event)).toBeGreaterThan(1_000 + event.key.length)
    expect(refuseOversized({ events: [event], errors: [] }, messageBytes(event)).events).toHaveLength(1)
    expect(refuseOversized({ events: [event], errors: [] }, messageBytes(event) - 1).tooLarge).toBe(1)
  })
})
