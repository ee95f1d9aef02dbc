import { describe, expect, it } from 'vitest'
import { STORE_REFUSED, storeRefusedReason } from './dlq.js'

describe('storeRefusedReason', () => {
  it('names the column and the problem without the values ClickHouse quotes', () => {
    const error = `Cannot parse input: expected '"' before: 'alice@example.com"}\\n': (while reading the value of key session_id): (at row 1)`
    const reason = storeRefusedReason(error)
    expect(reason.startsWith(`${STORE_REFUSED}: Cannot parse input`)).toBe(true)
    expect(reason).toContain('key session_id')
    expect(reason).not.toContain('alice')
  })

  it('strips values that contain escaped quotes', () => {
    const reason = storeRefusedReason(`Unknown element 'o\\'brien secret' for enum`)
    expect(reason).toBe(`${STORE_REFUSED}: Unknown element … for enum`)
  })

  it('stays short', () => {
    expect(storeRefusedReason('x'.repeat(5_000)).length).toBeLessThanOrEqual(300)
  })
})
