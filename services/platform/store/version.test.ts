import { describe, expect, it } from 'vitest'
import { nextVersion } from './version.js'

const now = new Date('2026-11-24T10:00:00.000Z')

describe('nextVersion', () => {
  it('stamps a first version now', () => {
    expect(nextVersion(undefined, now)).toEqual(now)
  })

  it('stamps now when the previous version is older', () => {
    expect(nextVersion(new Date('2026-11-24T09:00:00.000Z'), now)).toEqual(now)
    expect(nextVersion('2026-11-24 09:00:00.000', now)).toEqual(now)
  })

  it('stays a millisecond after a previous version from a clock ahead of ours, or from this very millisecond', () => {
    expect(nextVersion(new Date('2026-11-24T10:00:05.000Z'), now)).toEqual(
      new Date('2026-11-24T10:00:05.001Z'),
    )
    expect(nextVersion(now, now)).toEqual(new Date('2026-11-24T10:00:00.001Z'))
  })

  it('reads a previous version as ClickHouse prints it (UTC) or as ISO 8601', () => {
    expect(nextVersion('2026-11-24 10:00:05.000', now)).toEqual(new Date('2026-11-24T10:00:05.001Z'))
    expect(nextVersion('2026-11-24T10:00:05.000Z', now)).toEqual(new Date('2026-11-24T10:00:05.001Z'))
  })

  it('stamps now when the previous version cannot be read', () => {
    expect(nextVersion('', now)).toEqual(now)
  })
})
