import { describe, expect, it } from 'vitest'
import { clickhouseTime, parseClickhouseTime } from './time.js'

describe('clickhouseTime', () => {
  it('writes an instant as DateTime64(3) text in UTC, milliseconds kept', () => {
    expect(clickhouseTime(new Date('2026-11-24T10:00:00.123Z'))).toBe('2026-11-24 10:00:00.123')
    expect(clickhouseTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01 00:00:00.000')
  })
})

describe('parseClickhouseTime', () => {
  it('reads the text ClickHouse prints as UTC, with or without milliseconds', () => {
    expect(parseClickhouseTime('2026-11-24 10:00:00.123')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 123))
    expect(parseClickhouseTime('2026-11-24 10:00:00')).toBe(Date.UTC(2026, 10, 24, 10))
  })

  it('reads ISO 8601 as written by inserts, and gives NaN for anything else', () => {
    expect(parseClickhouseTime('2026-11-24T10:00:00.123Z')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 123))
    expect(parseClickhouseTime('not a time')).toBeNaN()
  })

  it('reads back what clickhouseTime writes', () => {
    const at = Date.UTC(2026, 1, 28, 23, 59, 59, 999)
    expect(parseClickhouseTime(clickhouseTime(at))).toBe(at)
  })
})
