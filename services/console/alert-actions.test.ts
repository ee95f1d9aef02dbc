import { describe, expect, it } from 'vitest'
import type { AlertStatus } from '../../schemas/alert.js'
import { transitionAllowed, type AlertAction } from './alert-actions.js'

describe('transitionAllowed', () => {
  it.each([
    ['open', 'acknowledge', true],
    ['open', 'resolve', true],
    ['acknowledged', 'acknowledge', 'same'],
    ['acknowledged', 'resolve', true],
    ['resolved', 'acknowledge', false],
    ['resolved', 'resolve', 'same'],
  ] as Array<[AlertStatus, AlertAction, boolean | 'same']>)('%s → %s: %s', (from, action, expected) => {
    expect(transitionAllowed(from, action)).toBe(expected)
  })
})
