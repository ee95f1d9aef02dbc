import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { startTestNormalizer, type TestNormalizer } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })

const b64 = (text: string): string => Buffer.from(text).toString('base64')
const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
/** Assembled at run time so that no literal key or token sits in the source. */
const pemBody = [
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0',
  'dlq9Hk2pQ9mZxL4vR8sT1wYbN3cXk9pQ2mZ7vL4nR8sAbCdEfGh',
]
const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody.join('\n')}\n-----END RSA PRIVATE KEY-----\n`

/** Each planted value, the form it takes in the event, and what must not be stored. */
const PLANTED = {
  tlsKey: b64(pem),
  pemLine: pemBody[0]!,
  encodedBearer: 'Zq8XvL2mN4pR7sT1wYbK3cHd',
  encodedPassword: 'p%40ss%21W0rd-2026',
  jose: `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${'Qk8'.repeat(30)}.${'aX1'.repeat(6)}.${'Zc9'.repeat(30)}.${'tG2'.repeat(8)}`,
  connectionPassword: 'Str0ng pass phrase',
  dsnPassword: 'Pg9xLm2Qv7',
  chinesePassword: 'Mima2026xyz',
  generic: '7Hk2pQ9mZxL4vR8sT1wYbN3c',
  signingKey: 'Wq4ZrT8yUe2IoP6aSd1FgH5j',
  encodedCredentials: b64(JSON.stringify({ user: 'svc-etl', password: 'Etl-Pw-2026-q3' })),
}

describe('encoded and structured secrets through the whole pipeline', () => {
  let store: TestStore
  let collector: TestCollector
  let normalizer: TestNormalizer

  beforeAll(async () => {
    store = openTestStore()
    await migrate(store, logger)
    collector = await startTestCollector(brokers)
    normalizer = await startTestNormalizer(brokers, store, collector.topics)
  })
  afterAll(async () => {
    await normalizer?.stop()
    await collector?.stop()
    await store?.dispose()
  })

  it('stores none of them in any column of any table', async () => {
    const event = {
      event_id: 'encoded-1',
      timestamp: '2026-11-24T10:00:00Z',
      method: 'tools/call',
      server: { name: 'k8s' },
      tool: 'apply_manifest',
      resource_uri: `https://proxy.internal/fetch?h=Authorization%3A%20Bearer%20${PLANTED.encodedBearer}&q=api%5Fkey%3D${PLANTED.encodedPassword}`,
      arguments: {
        manifest: {
          apiVersion: 'v1',
          kind: 'Secret',
          data: { 'tls.key': PLANTED.tlsKey, 'ca.key': PLANTED.tlsKey },
        },
        note: `kubectl create secret generic web --from-literal=key=${PLANTED.tlsKey}`,
        script: `echo ${PLANTED.tlsKey} | base64 -d > tls.pem && deploy --config ${PLANTED.encodedCredentials}`,
        callback: `https://app.internal/cb?h=Authorization%3A%20Bearer%20${PLANTED.encodedBearer}&q=api%5Fkey%3D${PLANTED.encodedPassword}`,
        session: PLANTED.jose,
        settings: { signingKey: PLANTED.signingKey, 密码: PLANTED.chinesePassword },
      },
      result: {
        content: [
          {
            type: 'text',
            text: `Server=db;User Id=sa;Password=${PLANTED.connectionPassword};Encrypt=true\ndsn=postgres://app:${PLANTED.dsnPassword}@db/orders\n数据库密码：${PLANTED.chinesePassword}，请使用密钥${PLANTED.generic}`,
          },
        ],
        isError: false,
      },
      error: { code: -32603, message: `token ${PLANTED.jose} rejected` },
    }
    const response = await post(`${collector.url}/v1/events`, JSON.stringify([event]))
    expect(response.status).toBe(202)
    const table = `${store.database}.audit_events`
    expect(
      await waitForCount(store, `SELECT count() AS n FROM ${table} FINAL WHERE event_id = 'encoded-1'`, 1),
    ).toBe(1)

    const tables = await queryRows<{ name: string }>(
      store,
      `SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT LIKE '%View%'`,
      { db: store.database },
    )
    expect(tables.map((t) => t.name)).toContain('audit_events')
    const leaked: string[] = []
    for (const { name } of tables) {
      const stored = JSON.stringify(
        await queryRows(store, 'SELECT * FROM {db:Identifier}.{table:Identifier}', {
          db: store.database,
          table: name,
        }),
      )
      for (const [what, value] of Object.entries(PLANTED)) {
        if (stored.includes(value) || stored.includes(JSON.stringify(value).slice(1, -1)))
          leaked.push(`${what} in ${name}`)
      }
    }
    expect(leaked).toEqual([])

    const [row] = await queryRows<{ findings: Record<string, number> }>(
      store,
      `SELECT redaction_findings AS findings FROM ${table} FINAL WHERE event_id = 'encoded-1'`,
    )
    expect(Object.keys(row!.findings)).toEqual(
      expect.arrayContaining(['PRIVATE_KEY', 'BEARER_TOKEN', 'SENSITIVE_KEY', 'JWT', 'GENERIC_SECRET']),
    )
  })
})
