import { describe, expect, it } from 'vitest'
import { parseAnchor } from './anchor-verify.js'

const anchor = {
  anchor_id: 'anc_0123',
  tenant_id: 'acme',
  anchored_at: '2026-11-24T06:00:00.000Z',
  seals: [
    {
      partition: 1,
      epoch: 0,
      seq: 41,
      seal_hash: 'b'.repeat(64),
      digest: 'C'.repeat(64),
      sealed_at: '2026-11-24T05:59:00.000Z',
      key_id: '0123456789abcdef',
      signature: 'd'.repeat(128),
    },
  ],
}

describe('parseAnchor', () => {
  it('reads the body a webhook received, or its data alone', () => {
    const body = { type: 'integrity.anchor', timestamp: anchor.anchored_at, data: anchor }
    expect(parseAnchor(body)).toEqual({ kind: 'ok', anchor })
    expect(parseAnchor(anchor)).toEqual({ kind: 'ok', anchor })
  })

  it('names what is wrong with anything else', () => {
    const other = parseAnchor({ type: 'alert.fired', data: {} })
    expect(other.kind).toBe('invalid')
    const cut = parseAnchor({ ...anchor, seals: [{ ...anchor.seals[0], signature: 'short' }] })
    expect(cut).toMatchObject({ kind: 'invalid' })
    expect(cut.kind === 'invalid' && cut.reason).toContain('seals[0].signature')
    expect(parseAnchor({ ...anchor, seals: [] }).kind).toBe('invalid')
  })
})
