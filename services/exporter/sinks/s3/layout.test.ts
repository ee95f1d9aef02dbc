import { describe, expect, it } from 'vitest'
import { storedEventFixture } from '../../../../test/helpers/stored-event.js'
import { toExportEvent } from '../../record.js'
import { manifestKey, objectKey, parseManifestKey, parseObjectKey, planObjects, spanOf } from './layout.js'

const HOUR_10 = Date.parse('2026-11-24T10:00:00Z')

function event(partition: number, offset: number, ingestedIso: string, tenant = 'acme') {
  return toExportEvent(
    storedEventFixture({
      tenant_id: tenant,
      event_id: `e-${tenant}-${partition}-${offset}`,
      ingested_ms: Date.parse(ingestedIso),
      source_partition: partition,
      source_offset: offset,
    }),
  )
}

describe('S3 object layout', () => {
  it('names objects by tenant, stored date and hour, and the positions they hold', () => {
    const period = { tenant: 'acme', hourMs: HOUR_10 }
    const key = objectKey('archive/', period, { partition: 2, first: 40, last: 57, count: 12 }, 'parquet')
    expect(key).toBe('archive/acme/date=2026-11-24/hour=10/2-40-57-12.parquet')
    expect(objectKey('', period, { partition: 0, first: 1, last: 1, count: 1 }, 'ndjson')).toBe(
      'acme/date=2026-11-24/hour=10/0-1-1-1.ndjson.gz',
    )
    expect(manifestKey('archive/', period)).toBe('archive/manifests/acme/date=2026-11-24/hour=10.json')
    expect(parseObjectKey('archive/', key)).toEqual({
      period,
      span: { partition: 2, first: 40, last: 57, count: 12 },
    })
    expect(parseManifestKey('archive/', manifestKey('archive/', period))).toEqual(period)
    // A tenant called "manifests" cannot be taken for a manifest, nor a manifest for an object.
    const tenantManifests = objectKey(
      '',
      { tenant: 'manifests', hourMs: HOUR_10 },
      spanOf(planObjects([event(0, 1, '2026-11-24T10:00:00Z')], 1e6)[0]!),
      'parquet',
    )
    expect(parseManifestKey('', tenantManifests)).toBeUndefined()
    expect(parseObjectKey('', manifestKey('', period))).toBeUndefined()
    expect(parseObjectKey('other/', key)).toBeUndefined()
  })

  it('splits a batch into one object per tenant, stored hour and partition, in offset order', () => {
    const batch = [
      event(0, 10, '2026-11-24T10:59:59.900Z'),
      event(0, 11, '2026-11-24T11:00:00.100Z'),
      event(0, 12, '2026-11-24T10:59:59.990Z'),
      event(1, 5, '2026-11-24T10:30:00Z'),
      event(0, 13, '2026-11-24T10:40:00Z', 'globex'),
    ]
    const plans = planObjects(batch, 1024 * 1024)
    expect(
      plans.map((plan) => [
        objectKey('', plan.period, spanOf(plan), 'parquet'),
        plan.records.map((r) => r.id),
      ]),
    ).toEqual([
      ['acme/date=2026-11-24/hour=10/0-10-12-2.parquet', ['e-acme-0-10', 'e-acme-0-12']],
      ['acme/date=2026-11-24/hour=11/0-11-11-1.parquet', ['e-acme-0-11']],
      ['acme/date=2026-11-24/hour=10/1-5-5-1.parquet', ['e-acme-1-5']],
      ['globex/date=2026-11-24/hour=10/0-13-13-1.parquet', ['e-globex-0-13']],
    ])
  })

  it('names the batch sent again after a crash as before, and a longer one otherwise', () => {
    const rows = Array.from({ length: 6 }, (_, i) => event(0, 100 + i, '2026-11-24T10:15:00Z'))
    const names = (batch: typeof rows, maxBytes: number) =>
      planObjects(batch, maxBytes).map((plan) => objectKey('', plan.period, spanOf(plan), 'ndjson'))
    const lineBytes = Buffer.byteLength(JSON.stringify(rows[0])) + 1
    // Same rows again: the same names, so the objects written before the crash are replaced.
    expect(names(rows.slice(0, 4), 1e9)).toEqual(names(rows.slice(0, 4), 1e9))
    // More rows committed meanwhile: another name, never the old name with other content.
    expect(names(rows, 1e9)).not.toEqual(names(rows.slice(0, 4), 1e9))
    // Split by size greedily from the first row: the same rows split at the same places.
    const split = names(rows, lineBytes * 2 + 10)
    expect(split).toEqual([
      'acme/date=2026-11-24/hour=10/0-100-101-2.ndjson.gz',
      'acme/date=2026-11-24/hour=10/0-102-103-2.ndjson.gz',
      'acme/date=2026-11-24/hour=10/0-104-105-2.ndjson.gz',
    ])
    expect(names(rows.slice(0, 4), lineBytes * 2 + 10)).toEqual(split.slice(0, 2))
  })
})
