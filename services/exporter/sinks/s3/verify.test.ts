import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { memoryBucket } from '../../../../test/helpers/memory-bucket.js'
import { ed25519TestKey as testKey } from '../../../../test/helpers/signing-key.js'
import { buildManifest, manifestObject, signExportManifest } from './manifest.js'
import { verifyArchive } from './verify.js'

const key = testKey()
const period = { tenant: 'acme', hourMs: Date.parse('2026-11-24T10:00:00Z') }
const OBJECT = 'a/acme/date=2026-11-24/hour=10/0-1-2-2.ndjson.gz'
const MANIFEST = 'a/manifests/acme/date=2026-11-24/hour=10.json'

async function archive() {
  const bucket = memoryBucket()
  const body = gzipSync('{"id":"e-1"}\n{"id":"e-2"}\n')
  const sha256 = createHash('sha256').update(body).digest('hex')
  const metadata = {
    sha256,
    records: '2',
    'first-time': '2026-11-24T10:00:00.000Z',
    'last-time': '2026-11-24T10:01:00.000Z',
    partition: '0',
    'first-offset': '1',
    'last-offset': '2',
  }
  const put = (k: string, b: Buffer, m: Record<string, string> = {}) =>
    bucket.put({ key: k, body: b, contentType: 'x', sha256: '', md5: '', metadata: m })
  await put(OBJECT, body, metadata)
  const manifest = buildManifest({
    sink: { name: 'archive', bucket: 'b', prefix: 'a/', format: 'ndjson' },
    period,
    objects: [manifestObject(OBJECT, body.length, metadata)!],
    seals: [],
    writtenMs: Date.parse('2026-11-24T11:10:00Z'),
    complete: true,
  })
  await put(MANIFEST, Buffer.from(JSON.stringify(signExportManifest(manifest, key))))
  return { bucket, put, body, manifest }
}

describe('export verify', () => {
  it('passes an archive as written', async () => {
    const { bucket } = await archive()
    expect(await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey })).toMatchObject({
      ok: true,
      manifests: 1,
      objects: 1,
      records: 2,
      problems: [],
    })
  })

  it('fails an object with one changed byte', async () => {
    const { bucket, put, body } = await archive()
    const changed = Buffer.from(body)
    changed.writeUInt8(changed.readUInt8(changed.length - 1) ^ 1, changed.length - 1)
    await put(OBJECT, changed)
    const result = await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey })
    expect(result.ok).toBe(false)
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'changed', key: OBJECT })])
  })

  it('fails a changed manifest, one signed by another key, and a deleted one', async () => {
    const { bucket, put, manifest } = await archive()
    const signed = signExportManifest(manifest, key)
    await put(MANIFEST, Buffer.from(JSON.stringify({ ...signed, manifest: { ...manifest, records: 1 } })))
    const changed = await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey })
    expect(changed.problems).toEqual([
      expect.objectContaining({
        kind: 'signature',
        detail: expect.stringContaining('the manifest was changed'),
      }),
    ])
    await put(MANIFEST, Buffer.from(JSON.stringify(signExportManifest(manifest, testKey()))))
    const resigned = await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey })
    expect(resigned.problems[0]?.detail).toContain('not by the trusted key')
    bucket.objects.delete(MANIFEST)
    const deleted = await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey })
    expect(deleted.problems).toEqual([expect.objectContaining({ kind: 'no-manifest' })])
  })

  it('fails an object the manifest does not list, and a listed object that is gone', async () => {
    const { bucket, put, body } = await archive()
    await put('a/acme/date=2026-11-24/hour=10/0-3-3-1.ndjson.gz', body)
    bucket.objects.delete(OBJECT)
    const result = await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey })
    expect(result.problems.map((problem) => problem.kind).sort()).toEqual(['missing', 'unlisted'])
  })

  it('checks only the hours in --from/--to', async () => {
    const { bucket, put, body } = await archive()
    await put('a/acme/date=2026-11-24/hour=12/0-9-9-1.ndjson.gz', body)
    const range = { fromMs: Date.parse('2026-11-24T10:30:00Z'), toMs: Date.parse('2026-11-24T11:00:00Z') }
    expect(await verifyArchive(bucket, { prefix: 'a/', trusted: key.publicKey, ...range })).toMatchObject({
      ok: true,
      manifests: 1,
    })
  })
})
