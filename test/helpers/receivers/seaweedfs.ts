import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import { freePort } from '../../../services/platform/local-kafka.js'
import { waitFor } from '../wait.js'

/** The binary scripts/receivers/seaweedfs.sh builds (global-setup runs it before the tests). */
export const WEED = path.resolve(import.meta.dirname, '../../../.cache/receivers/seaweedfs/weed')

export interface SeaweedFs {
  /** The S3 endpoint, `http://127.0.0.1:<port>` (path-style requests). */
  endpoint: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** A client of the store as its admin, for the test's own reads and set-up. */
  client: S3Client
  createBucket(name: string, options?: { objectLock?: boolean }): Promise<void>
  stop(): Promise<void>
}

/**
 * A real SeaweedFS (`weed mini`: master, volume, filer and S3 gateway in one process) on free
 * loopback ports in a temp dir, telemetry off, no admin UI, WebDAV, Iceberg or Lance endpoints. The
 * AWS credentials in its environment become its admin identity, so signed requests are checked.
 */
export async function startSeaweedFs(): Promise<SeaweedFs> {
  if (!existsSync(WEED)) throw new Error(`${WEED} is missing: run bash scripts/receivers/seaweedfs.sh`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-seaweedfs-'))
  const ports: number[] = []
  while (ports.length < 10) {
    const port = await freePort()
    if (!ports.includes(port)) ports.push(port)
  }
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin, adminGrpc] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const accessKeyId = 'mcp-audit-test'
  const secretAccessKey = 'seaweedfs-test-secret-0123456789'
  const args = [
    'mini',
    `-dir=${path.join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    '-master.telemetry=false',
    '-master.volumeSizeLimitMB=64',
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-filer.localSocket=${path.join(dir, 'filer.sock')}`,
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    `-s3.localSocket=${path.join(dir, 's3.sock')}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    '-webdav=false',
    '-admin.ui=false',
    `-admin.port=${admin}`,
    `-admin.port.grpc=${adminGrpc}`,
    '-admin.port.legacy=0',
  ]
  mkdirSync(path.join(dir, 'data'))
  const log = createWriteStream(path.join(dir, 'weed.log'))
  const child: ChildProcess = spawn(WEED, args, {
    cwd: dir,
    env: { ...process.env, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.pipe(log)
  child.stderr!.pipe(log)
  const endpoint = `http://127.0.0.1:${s3}`
  const region = 'us-east-1'
  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  })
  const stop = async () => {
    client.destroy()
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(
            `weed exited with ${child.exitCode}: ${readFileSync(path.join(dir, 'weed.log'), 'utf8').slice(-2_000)}`,
          )
        }
        await client.send(new ListBucketsCommand({}))
        return true
      },
      { description: `SeaweedFS S3 gateway answering on ${endpoint}`, timeoutMs: 90_000, intervalMs: 250 },
    )
  } catch (err) {
    await stop()
    throw err
  }
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    client,
    async createBucket(name, options) {
      await client.send(
        new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: options?.objectLock ?? false }),
      )
    },
    stop,
  }
}
