import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { S3SinkConfig } from '../../../../schemas/export.js'
import { memoryBucket, type MemoryBucket } from '../../../../test/helpers/memory-bucket.js'
import { ed25519TestKey } from '../../../../test/helpers/signing-key.js'
import { storedEventFixture } from '../../../../test/helpers/stored-event.js'
import { createLogger } from '../../../platform/logger.js'
import { toExportEvent } from '../../record.js'
import type { Sink } from '../sink.js'
import { ndjsonEncoder } from './encode.js'
import { createS3Sink } from './sink.js'
import { verifyArchive } from './verify.js'

const key = ed25519TestKey()
const START = Date.parse('2026-11-24T10:20:00Z')
const config = S3SinkConfig.parse({
  name: 'archive',
  type: 's3',
  bucket: 'audit-archive',
  prefix: 'mcp/',
  region: 'eu-central-1',
  format: 'ndjson',
  objectLock: { mode: 'compliance', days: 400 },
  manifestDelaySeconds: 300,
})

function event(offset: number, ingestedIso = '2026-11-24T10:15:00Z') {
  return toExportEvent(
    storedEventFixture({
      event_id: `e-${offset}`,
      ingested_ms: Date.parse(ingestedIso),
      source_partition: 0,
      source_offset: offset,
    }),
  )
}

let sink: Sink | undefined
afterEach(async () => {
  await sink?.close()
  sink = undefined
})

function open(bucket: MemoryBucket, clock: { ms: number }) {
  sink = createS3Sink({
    config,
    bucket,
    encoder: ndjsonEncoder(),
    signingKey: () => key,
    seals: (tenant, ranges) =>
      Promise.resolve(
        ranges.map((range) => ({
          partition: range.partition,
          epoch: 0,
          seq: 1,
          fromOffset: 0,
          toOffset: range.last + 1,
          sealHash: `seal-${tenant}`,
        })),
      ),
    logger: createLogger({ level: 'silent' }),
    now: () => clock.ms,
    manifestCheckMs: 3_600_000,
  })
  return sink
}

describe('the S3 sink', () => {
  it('writes each batch as gzipped NDJSON with its checksums, metadata and retention', async () => {
    const bucket = memoryBucket()
    await open(bucket, { ms: START }).send([event(1), event(2)])
    expect([...bucket.objects.keys()]).toEqual(['mcp/acme/date=2026-11-24/hour=10/0-1-2-2.ndjson.gz'])
    const put = bucket.puts[0]!
    expect(
      gunzipSync(put.body)
        .toString()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(['e-1', 'e-2'])
    expect(put.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(put.md5).toMatch(/==$/)
    expect(put.metadata).toMatchObject({
      records: '2',
      partition: '0',
      'first-offset': '1',
      'last-offset': '2',
      sha256: put.sha256,
    })
    expect(put.lock).toEqual({ mode: 'COMPLIANCE', retainUntil: new Date(START + 400 * 86_400_000) })
  })

  it("writes an hour's manifest once the hour is over, and one marked incomplete at shutdown", async () => {
    const bucket = memoryBucket()
    const clock = { ms: START }
    const s3 = open(bucket, clock)
    await s3.send([event(1), event(2)])
    expect([...bucket.objects.keys()].some((k) => k.includes('manifests/'))).toBe(false)
    // The next hour, within the delay: still no manifest for 10:00.
    clock.ms = Date.parse('2026-11-24T11:04:00Z')
    await s3.send([event(3, '2026-11-24T11:03:00Z')])
    expect(bucket.objects.has('mcp/manifests/acme/date=2026-11-24/hour=10.json')).toBe(false)
    clock.ms = Date.parse('2026-11-24T11:05:00Z')
    await s3.send([event(4, '2026-11-24T11:04:30Z')])
    const manifest = JSON.parse(
      bucket.objects.get('mcp/manifests/acme/date=2026-11-24/hour=10.json')!.body.toString(),
    )
    expect(manifest.manifest).toMatchObject({
      tenant_id: 'acme',
      period: { from: '2026-11-24T10:00:00.000Z', to: '2026-11-24T11:00:00.000Z' },
      complete: true,
      records: 2,
      seals: [{ partition: 0, seal_hash: 'seal-acme', from_offset: 0, to_offset: 3 }],
    })
    expect(manifest.manifest.objects).toHaveLength(1)
    expect(manifest.signature.key_id).toBe(key.keyId)
    await s3.close()
    sink = undefined
    const open11 = JSON.parse(
      bucket.objects.get('mcp/manifests/acme/date=2026-11-24/hour=11.json')!.body.toString(),
    )
    expect(open11.manifest).toMatchObject({ complete: false, records: 2 })
    const verified = await verifyArchive(bucket, { prefix: 'mcp/', trusted: key.publicKey })
    expect(verified).toMatchObject({ ok: true, manifests: 2, objects: 3, records: 4, incomplete: 1 })
  })

  it('replaces the objects of a batch sent again after a crash instead of adding copies', async () => {
    const bucket = memoryBucket()
    await open(bucket, { ms: START }).send([event(1), event(2)])
    await sink!.close()
    // A new process sends the same batch again from the checkpoint.
    await open(bucket, { ms: START + 1_000 }).send([event(1), event(2)])
    const objects = [...bucket.objects.keys()].filter((k) => !k.includes('manifests/'))
    expect(objects).toEqual(['mcp/acme/date=2026-11-24/hour=10/0-1-2-2.ndjson.gz'])
  })

  it('completes, after a restart, the manifest of an hour that was open at the shutdown', async () => {
    const bucket = memoryBucket()
    await open(bucket, { ms: START }).send([event(1), event(2)])
    await sink!.close()
    const manifest10 = () =>
      JSON.parse(bucket.objects.get('mcp/manifests/acme/date=2026-11-24/hour=10.json')!.body.toString())
    expect(manifest10().manifest.complete).toBe(false)
    // The next process only writes to 11:00; 10:00 is over and gets its complete manifest.
    await open(bucket, { ms: Date.parse('2026-11-24T11:10:00Z') }).send([event(3, '2026-11-24T11:09:00Z')])
    expect(manifest10().manifest).toMatchObject({ complete: true, records: 2 })
  })
})
