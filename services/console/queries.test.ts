import { describe, expect, it } from 'vitest'
import { presentAlert } from './queries.js'

describe('presentAlert', () => {
  it('turns counts and values into numbers and stored times into ISO 8601', () => {
    expect(
      presentAlert({
        alert_id: 'a1',
        count: '3',
        value: '0.5',
        first_seen: '2026-11-24 10:00:00.000',
        last_seen: '2026-11-24 10:05:00.000',
        created_at: '2026-11-24 10:00:01.000',
        updated_at: '2026-11-24 10:06:00.000',
      }),
    ).toEqual({
      alert_id: 'a1',
      count: 3,
      value: 0.5,
      first_seen: '2026-11-24T10:00:00.000Z',
      last_seen: '2026-11-24T10:05:00.000Z',
      created_at: '2026-11-24T10:00:01.000Z',
      updated_at: '2026-11-24T10:06:00.000Z',
    })
  })
})
