import { describe, expect, it } from 'vitest'
import type { ChainHead } from '../platform/store/integrity-seals.js'
import { nextEpoch, partitionChains } from './chain-state.js'

const head = (over: Partial<ChainHead>): ChainHead => ({
  tenantId: 'acme',
  partition: 0,
  epoch: 0,
  seq: 3,
  sealHash: 'a'.repeat(64),
  toOffset: 100,
  sealedAtMs: 1_000,
  ...over,
})

describe('partition chains from the stored heads', () => {
  it('starts at offset 0 with no seals', () => {
    expect(partitionChains(1, [])).toMatchObject({ epoch: 0, watermark: 0, storedAfterMs: 0 })
  })

  it('takes the latest epoch, its highest end of range and each tenant head', () => {
    const chains = partitionChains(0, [
      head({ epoch: 0, toOffset: 900, sealedAtMs: 5_000 }),
      head({ epoch: 1, toOffset: 40, seq: 0, sealHash: 'b'.repeat(64), sealedAtMs: 9_000 }),
      head({ epoch: 1, tenantId: 'beta', toOffset: 70, seq: 2, sealHash: 'c'.repeat(64) }),
      head({ partition: 2, epoch: 4, toOffset: 10_000 }),
    ])
    expect(chains).toMatchObject({ epoch: 1, watermark: 70, storedAfterMs: 5_000 })
    expect(chains.tenants.get('beta')).toEqual({ seq: 2, sealHash: 'c'.repeat(64) })
    expect(nextEpoch(chains)).toMatchObject({ epoch: 2, watermark: 0, storedAfterMs: 9_000 })
  })
})
