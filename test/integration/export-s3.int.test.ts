import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { AppConfig } from '../../schemas/config.js'
import { SignedExportManifest } from '../../schemas/export-manifest.js'
import { ExportRecord } from '../../schemas/export-record.js'
import { parseConfig } from '../../services/platform/config.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { runCli } from '../helpers/cli.js'
import { startTestCollector, TOKENS, type TestCollector } from '../helpers/collector.js'
import { PLANTED_PII, postPlantedEvents } from '../helpers/export-events.js'
import { startTestRuntime, TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { startSeaweedFs, type SeaweedFs } from '../helpers/receivers/seaweedfs.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The S3 archive in the real pipeline: events posted to the collector go through Kafka and the
 * normalizer into embedded ClickHouse, and the exporter writes them to a real SeaweedFS as Parquet
 * (bucket with Object Lock) and as NDJSON.gz, with signed hourly manifests that `export verify`
 * checks.
 */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const PLANTED = PLANTED_PII
const BASE_MS = Date.now() - 3_600_000
const COUNT = 400
const FIRST_RUN = 300

let store: TestStore
let collector: TestCollector
let s3: SeaweedFs
let dataDir: string
let rawConfig: Record<string, unknown>
let config: AppConfig

const send = (tag: string, from: number, count: number, token: string) =>
  postPlantedEvents(collector.url, token, { tag, from, count, baseMs: BASE_MS })

async function keys(bucket: string): Promise<string[]> {
  const listed: string[] = []
  let token: string | undefined
  do {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
    listed.push(...(page.Contents ?? []).map((item) => item.Key!))
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return listed
}

async function download(bucket: string, key: string): Promise<Buffer> {
  const answer = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return Buffer.from(await answer.Body!.transformToByteArray())
}

const dataKeys = async (bucket: string) => (await keys(bucket)).filter((key) => !key.includes('manifests/'))

/** Records the objects of a bucket hold, by their metadata (what the sink wrote). */
async function archivedRecords(bucket: string): Promise<number> {
  let total = 0
  for (const key of await dataKeys(bucket)) {
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    total += Number(head.Metadata?.records ?? 0)
  }
  return total
}

/** The rows of a Parquet object, read by the embedded engine itself. */
async function parquetRows(bytes: Buffer) {
  const file = path.join(dataDir, `read-${Math.random().toString(36).slice(2)}.parquet`)
  writeFileSync(file, bytes)
  try {
    return await queryRows<{
      id: string
      tenant_id: string
      arguments_excerpt: string
      user_id_kind: string
      redaction_count: number
    }>(
      store,
      `SELECT id, tenant_id, arguments_excerpt, user_id_kind, redaction_count FROM file({path:String}, Parquet)`,
      { path: file },
    )
  } finally {
    rmSync(file, { force: true })
  }
}

async function storedIds(): Promise<string[]> {
  const rows = await queryRows<{ event_id: string }>(
    store,
    `SELECT DISTINCT event_id FROM ${store.database}.audit_events WHERE tenant_id = 'acme' ORDER BY event_id`,
  )
  return rows.map((row) => row.event_id)
}

function cliEnv(): Record<string, string> {
  const file = path.join(dataDir, 'config.yaml')
  writeFileSync(file, JSON.stringify(rawConfig))
  return {
    MCP_AUDIT_CONFIG: file,
    MCP_AUDIT_DATA_DIR: dataDir,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  }
}

beforeAll(async () => {
  store = openTestStore()
  await migrate(store, logger)
  collector = await startTestCollector(brokers)
  s3 = await startSeaweedFs()
  await s3.createBucket('archive-parquet', { objectLock: true })
  await s3.createBucket('archive-ndjson')
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-export-s3-'))
  const bucketSink = {
    type: 's3',
    region: s3.region,
    endpoint: s3.endpoint,
    accessKeyId: '${S3_ACCESS_KEY_ID}',
    secretAccessKey: '${S3_SECRET_ACCESS_KEY}',
    tenants: ['acme'],
    startFrom: 'earliest',
  }
  rawConfig = {
    dataDir,
    kafka: { brokers, topics: collector.topics, partitions: 3 },
    clickhouse: { database: store.database },
    pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
    normalizer: { consumerGroup: `export-s3-test-${collector.topics.raw}`, workers: 0, batchMaxWaitMs: 200 },
    integrity: { sealIntervalSeconds: 1 },
    tenants: [{ id: 'acme' }, { id: 'slow' }],
    alerts: { allowPrivateNetworks: ['127.0.0.0/8'] },
    export: {
      batchMaxRows: 100,
      batchMaxWaitMs: 200,
      pollMs: 100,
      sinks: [
        {
          ...bucketSink,
          name: 'parquet',
          bucket: 'archive-parquet',
          prefix: 'mcp/',
          format: 'parquet',
          objectLock: { mode: 'compliance', days: 1 },
        },
        { ...bucketSink, name: 'ndjson', bucket: 'archive-ndjson', format: 'ndjson' },
      ],
    },
  }
  // The credentials come from the environment, as in production (`${S3_SECRET_ACCESS_KEY}`).
  config = parseConfig(rawConfig, {
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  })
}, 180_000)

afterAll(async () => {
  await collector?.stop()
  await s3?.stop()
  await store?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('exporter: collector → Kafka → normalizer → ClickHouse → S3 (SeaweedFS)', () => {
  it('archives every stored, redacted event once as Parquet and as NDJSON.gz, across a restart, with manifests that verify', async () => {
    // Two runs of the pipeline: the second resumes from the sinks' checkpoints.
    for (const [from, count] of [
      [0, FIRST_RUN],
      [FIRST_RUN, COUNT - FIRST_RUN],
    ] as const) {
      const runtime = await startTestRuntime(
        config,
        store,
        { services: ['normalizer', 'exporter'] },
        new Lifecycle(logger),
      )
      try {
        await send('acme', from, count, TOKENS.acmeIngest)
        await send('slow', from, 5, TOKENS.slowIngest)
        const total = from + count
        await waitForCount(
          store,
          `SELECT count() AS n FROM ${store.database}.audit_events WHERE tenant_id = 'acme'`,
          total,
        )
        for (const bucket of ['archive-parquet', 'archive-ndjson']) {
          await waitFor(() => archivedRecords(bucket), {
            description: `${total} records archived in ${bucket}`,
            timeoutMs: 60_000,
            intervalMs: 500,
            until: (n) => n >= total,
          })
        }
        // The seals of the stored rows, for the manifests to name.
        await waitForCount(
          store,
          `SELECT sum(row_count) AS n FROM ${store.database}.integrity_seals WHERE tenant_id = 'acme'`,
          total,
        )
      } finally {
        // At shutdown the hours written to get their manifest (marked incomplete: the hour is open).
        await runtime.stop('test')
      }
    }
    const stored = await storedIds()
    expect(stored).toHaveLength(COUNT)

    const parquetKeys = await dataKeys('archive-parquet')
    expect(
      parquetKeys.every((key) =>
        /^mcp\/acme\/date=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\d+-\d+-\d+-\d+\.parquet$/.test(key),
      ),
    ).toBe(true)
    const parquet = (
      await Promise.all(parquetKeys.map(async (key) => parquetRows(await download('archive-parquet', key))))
    ).flat()
    expect(parquet.map((row) => row.id).sort()).toEqual(stored)
    for (const row of parquet) {
      expect(row.tenant_id).toBe('acme')
      expect(row.user_id_kind).toBe('pseudonym')
      expect(row.redaction_count).toBeGreaterThan(0)
      for (const value of PLANTED) expect(row.arguments_excerpt).not.toContain(value)
    }

    const ndjsonKeys = await dataKeys('archive-ndjson')
    const ndjson = (
      await Promise.all(
        ndjsonKeys.map(async (key) =>
          gunzipSync(await download('archive-ndjson', key))
            .toString()
            .trim()
            .split('\n')
            .map((line) => ExportRecord.parse(JSON.parse(line))),
        ),
      )
    ).flat()
    expect(ndjson.map((record) => record.id).sort()).toEqual(stored)
    const wire = JSON.stringify(ndjson)
    for (const value of PLANTED) expect(wire).not.toContain(value)

    // One manifest per hour written to, signed, listing every object and the seals over them.
    const manifestKeys = (await keys('archive-parquet')).filter((key) =>
      key.startsWith('mcp/manifests/acme/'),
    )
    expect(manifestKeys.length).toBeGreaterThan(0)
    const manifests = await Promise.all(
      manifestKeys.map(async (key) =>
        SignedExportManifest.parse(JSON.parse((await download('archive-parquet', key)).toString())),
      ),
    )
    expect(manifests.reduce((sum, signed) => sum + signed.manifest.records, 0)).toBe(COUNT)
    expect(manifests.flatMap((signed) => signed.manifest.objects.map((object) => object.key)).sort()).toEqual(
      [...parquetKeys].sort(),
    )
    expect(manifests.every((signed) => signed.manifest.seals.length > 0)).toBe(true)

    const verified = runCli(['export', 'verify', '--sink', 'parquet'], cliEnv())
    expect(verified.stdout).toContain(
      `checked ${manifests.length} manifest(s), ${parquetKeys.length} object(s) and ${COUNT} record(s) in s3://archive-parquet/mcp/`,
    )
    expect(verified.stdout).toContain('INTACT')
    expect(verified.status).toBe(0)
    const verifiedNdjson = runCli(['export', 'verify', '--sink', 'ndjson', '--json'], cliEnv())
    expect(JSON.parse(verifiedNdjson.stdout)).toMatchObject({ ok: true, records: COUNT })
    expect(verifiedNdjson.status).toBe(0)
  }, 240_000)

  it('keeps locked objects from deletion, and export verify names an object that was replaced', async () => {
    const [key] = await dataKeys('archive-parquet')
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'archive-parquet', Key: key! }))
    expect(head.ObjectLockMode).toBe('COMPLIANCE')
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000)
    const versions = await s3.client.send(
      new ListObjectVersionsCommand({ Bucket: 'archive-parquet', Prefix: key! }),
    )
    const versionId = versions.Versions?.[0]?.VersionId
    await expect(
      s3.client.send(new DeleteObjectCommand({ Bucket: 'archive-parquet', Key: key!, VersionId: versionId })),
    ).rejects.toMatchObject({ name: 'AccessDenied' })

    // A locked version cannot change, but a new version can be put over it: verification catches it.
    const tampered = await download('archive-parquet', key!)
    tampered.writeUInt8(tampered.readUInt8(100) ^ 0xff, 100)
    await s3.client.send(new PutObjectCommand({ Bucket: 'archive-parquet', Key: key!, Body: tampered }))
    const result = runCli(['export', 'verify', '--sink', 'parquet'], cliEnv())
    expect(result.stdout).toContain(`CHANGED ${key}: SHA-256`)
    expect(result.stdout).toContain('NOT INTACT: 1 problem(s)')
    expect(result.status).toBe(1)

    const unknown = runCli(['export', 'verify', '--sink', 'nope'], cliEnv())
    expect(unknown.stderr).toContain('no s3 sink named "nope" in export.sinks (s3 sinks: parquet, ndjson)')
    expect(unknown.status).toBe(2)
  }, 120_000)
})
