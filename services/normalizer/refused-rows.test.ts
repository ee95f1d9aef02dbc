import { describe, expect, it } from 'vitest'
import { createLogger } from '../platform/logger.js'
import { isRetryableInsertError, searchRefusedRows, type RejectedRow } from './refused-rows.js'
import type { Batch } from './writer-batch.js'

const logger = createLogger({ level: 'silent' })
const refusal = Object.assign(new Error('Code: 27. Cannot parse input'), { code: '27' })

const batchOf = (rows: string[]): Batch<string, string> => ({
  rows,
  origins: rows.map((row) => `message-${row}`),
  lines: rows.map((row) => `["${row}"]`),
})

/** A store that refuses any insert holding a row named in `bad`, as ClickHouse refuses a whole insert. */
function searchWith(bad: Set<string>, rejected: Array<RejectedRow<string, string>> | undefined) {
  const stored: string[] = []
  const tokens: string[] = []
  const insert = async (batch: Batch<string, string>, token: string): Promise<void> => {
    tokens.push(token)
    if (batch.rows.some((row) => bad.has(row))) {
      await searchRefusedRows(batch, token, refusal, { insert, rejected, logger, table: 't' })
      return
    }
    stored.push(...batch.lines)
  }
  return { insert, stored, tokens }
}

describe('isRetryableInsertError', () => {
  it('retries anything but bad values', () => {
    expect(isRetryableInsertError(refusal)).toBe(false)
    expect(isRetryableInsertError(new Error('Code: 252. Too many parts'))).toBe(true)
    expect(isRetryableInsertError(new Error('socket hang up'))).toBe(true)
  })
})

describe('searchRefusedRows', () => {
  it('stores every good row and refuses only the bad ones, each with its own origin', async () => {
    const rejected: Array<RejectedRow<string, string>> = []
    const { insert, stored, tokens } = searchWith(new Set(['c', 'f']), rejected)
    await insert(batchOf(['a', 'b', 'c', 'd', 'e', 'f', 'g']), 'tok')
    expect(stored.sort()).toEqual(['["a"]', '["b"]', '["d"]', '["e"]', '["g"]'])
    expect(rejected.map(({ row, origin }) => [row, origin])).toEqual([
      ['c', 'message-c'],
      ['f', 'message-f'],
    ])
    expect(rejected[0]!.reason).toContain('Code: 27')
    expect(tokens.slice(0, 3)).toEqual(['tok', 'tok:a4', 'tok:a4:a2'])
  })

  it('throws the refusal when there is no way to dead-letter', async () => {
    const { insert } = searchWith(new Set(['b']), undefined)
    await expect(insert(batchOf(['a', 'b']), 'tok')).rejects.toBe(refusal)
  })
})
