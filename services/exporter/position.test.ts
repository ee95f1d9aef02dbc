import { describe, expect, it } from 'vitest'
import { advance, changed, lagOf, wentBack, windowsFor } from './position.js'

const row = (source_partition: number, source_offset: number) => ({ source_partition, source_offset })

describe('windowsFor', () => {
  it('reads each partition from its position to the committed offset, at most maxOffsets long', () => {
    const positions = new Map([
      [0, 10],
      [1, 5],
    ])
    const committed = new Map([
      [2, 3],
      [0, 10],
      [1, 500],
    ])
    expect(windowsFor(positions, committed, 100)).toEqual([
      { partition: 1, from: 5, to: 105 },
      { partition: 2, from: 0, to: 3 },
    ])
  })

  it('has nothing to read when every partition is at its committed offset', () => {
    expect(windowsFor(new Map([[0, 7]]), new Map([[0, 7]]), 100)).toEqual([])
  })
})

describe('advance', () => {
  const windows = [
    { partition: 0, from: 0, to: 50 },
    { partition: 1, from: 10, to: 60 },
    { partition: 2, from: 0, to: 40 },
  ]

  it('moves every window to its end after a short read, offsets without a row of the tenant included', () => {
    const next = advance(new Map([[1, 10]]), windows, [row(0, 3), row(1, 12)], 100)
    expect(Object.fromEntries(next)).toEqual({ 0: 50, 1: 60, 2: 40 })
  })

  it('after a full read, stops its partition just past the last row and leaves later partitions alone', () => {
    const next = advance(new Map([[1, 10]]), windows, [row(0, 48), row(1, 11), row(1, 17)], 3)
    expect(Object.fromEntries(next)).toEqual({ 0: 50, 1: 18 })
  })

  it('never moves a position backwards nor past an unread row when the read is cut in the first partition', () => {
    const next = advance(new Map(), windows, [row(0, 0), row(0, 1)], 2)
    expect(Object.fromEntries(next)).toEqual({ 0: 2 })
  })
})

describe('changed and lagOf', () => {
  it('lists only moved partitions, and counts committed offsets not yet passed', () => {
    const before = new Map([
      [0, 5],
      [1, 9],
    ])
    const after = new Map([
      [0, 5],
      [1, 12],
      [2, 1],
    ])
    expect(Object.fromEntries(changed(before, after))).toEqual({ 1: 12, 2: 1 })
    expect(
      lagOf(
        after,
        new Map([
          [0, 8],
          [1, 12],
          [3, 4],
        ]),
      ),
    ).toBe(3 + 0 + 4)
  })
})

describe('wentBack', () => {
  it('names partitions whose committed offset is below the position (reset offsets, a recreated topic)', () => {
    expect(
      wentBack(
        new Map([
          [0, 10],
          [1, 5],
        ]),
        new Map([
          [0, 3],
          [1, 5],
          [2, 0],
        ]),
      ),
    ).toEqual([0])
  })
})
