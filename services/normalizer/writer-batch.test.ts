import { describe, expect, it } from 'vitest'
import { joinBatches, sliceBatch, splitByVerdicts, type Batch } from './writer-batch.js'

const batch: Batch<string, number> = { rows: ['a', 'b', 'c'], origins: [1, 2, 3], lines: ['A', 'B', 'C'] }

describe('writer batches', () => {
  it("keep each row's origin and line through the screen's verdicts", () => {
    expect(splitByVerdicts(batch, ['skip', 'insert', 'replayed'])).toEqual({
      insert: { rows: ['b'], origins: [2], lines: ['B'] },
      replayed: ['c'],
    })
    const plain = { ...batch, lines: [] }
    expect(splitByVerdicts(plain, ['insert', 'insert', 'skip']).insert).toEqual({
      rows: ['a', 'b'],
      origins: [1, 2],
      lines: [],
    })
  })

  it('cut and join back in order', () => {
    const tail = sliceBatch(batch, 1)
    expect(tail).toEqual({ rows: ['b', 'c'], origins: [2, 3], lines: ['B', 'C'] })
    expect(joinBatches(sliceBatch(batch, 0, 1), tail)).toEqual(batch)
  })
})
