import { describe, expect, it } from 'vitest'
import { S3SinkConfig } from '../../../../schemas/export.js'
import { openBucket } from './bucket.js'

const base = { name: 'archive', type: 's3', bucket: 'audit-archive', region: 'eu-central-1' }

describe('s3 sink configuration', () => {
  it('takes the defaults and refuses half a credential pair, naming the key', () => {
    expect(S3SinkConfig.parse(base)).toMatchObject({
      prefix: '',
      format: 'parquet',
      manifestDelaySeconds: 300,
    })
    const half = S3SinkConfig.safeParse({ ...base, accessKeyId: 'AKIA…' })
    expect(half.success).toBe(false)
    expect(half.error?.issues[0]).toMatchObject({
      path: ['secretAccessKey'],
      message: expect.stringContaining('accessKeyId and secretAccessKey go together'),
    })
    expect(S3SinkConfig.safeParse({ ...base, bucket: 'Not_A_Bucket' }).success).toBe(false)
    expect(S3SinkConfig.safeParse({ ...base, objectLock: { mode: 'legal-hold', days: 1 } }).success).toBe(
      false,
    )
    expect(S3SinkConfig.safeParse({ ...base, prefix: '/abs' }).success).toBe(false)
  })
})

describe('the bucket client', () => {
  it('refuses a loopback endpoint that alerts.allowPrivateNetworks does not list, without retrying', async () => {
    const config = S3SinkConfig.parse({
      ...base,
      endpoint: 'http://127.0.0.1:9',
      accessKeyId: 'k',
      secretAccessKey: 's',
    })
    const bucket = openBucket({ config, allowList: [] })
    const failure = await bucket.get('any').then(
      () => undefined,
      (err: unknown) => err as { message: string; retryable: boolean },
    )
    bucket.close()
    expect(failure?.retryable).toBe(false)
    expect(failure?.message).toContain('refused to connect to endpoint http://127.0.0.1:9')
    expect(failure?.message).toContain('alerts.allowPrivateNetworks')
  })
})
