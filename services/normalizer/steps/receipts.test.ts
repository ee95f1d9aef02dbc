import { describe, expect, it } from 'vitest'
import { receiptRows } from './receipts.js'

describe('receiptRows', () => {
  it('splits a receipt into one row per minute, the rejected count on the first', () => {
    const receipt = {
      v: 1,
      receipt_id: 'r1',
      tenant_id: 'acme',
      gateway: 'gw',
      received_at: '2026-11-24T10:02:00Z',
      minutes: { '2026-11-24T10:01': 3, '2026-11-24T10:00': 2 },
      accepted: 5,
      rejected: 1,
    }
    const result = receiptRows(Buffer.from(JSON.stringify(receipt)))
    expect(result).toEqual({
      kind: 'ok',
      value: [
        {
          receipt_id: 'r1',
          tenant_id: 'acme',
          gateway: 'gw',
          minute: '2026-11-24T10:00:00Z',
          received_at: '2026-11-24T10:02:00Z',
          accepted: 2,
          rejected: 1,
        },
        {
          receipt_id: 'r1',
          tenant_id: 'acme',
          gateway: 'gw',
          minute: '2026-11-24T10:01:00Z',
          received_at: '2026-11-24T10:02:00Z',
          accepted: 3,
          rejected: 0,
        },
      ],
    })
  })

  it('dead-letters what is not a receipt', () => {
    expect(receiptRows(Buffer.from('nope')).kind).toBe('dlq')
    expect(receiptRows(Buffer.from('{"v":1}')).kind).toBe('dlq')
  })
})
