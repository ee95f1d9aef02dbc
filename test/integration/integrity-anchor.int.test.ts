import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { createSealer, loadSealKey, type Sealer } from '../../services/integrity/index.js'
import { openStore, type Store } from '../../services/platform/clickhouse.js'
import { Lifecycle } from '../../services/platform/lifecycle.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { createLoggingSelfAudit } from '../../services/platform/self-audit.js'
import { startReporter } from '../../services/reporter/service.js'
import { verifyStandardWebhook } from '../../services/webhooks/index.js'
import { runCli } from '../helpers/cli.js'
import { insertEvents, seedEvents } from '../helpers/report-seed.js'
import { assertTestDatabase, queryRows } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The external witness: the reporter sends the heads of the tenant's seal chains to a webhook, the
 * receiver keeps the body, and `verify-store --anchor` later proves the store against that copy.
 */

const logger = createLogger({ level: 'silent' })
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const DATABASE = 'mcp_audit_test_anchor'

interface AnchorBody {
  type: string
  data: { tenant_id: string; seals: Array<{ partition: number; seq: number; seal_hash: string }> }
}

describe('integrity anchors: a copy of the chain heads outside the store', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-anchor-'))
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(204).end()
    })
  })
  let config: AppConfig
  let store: Store
  let sealer: Sealer
  const configFile = path.join(dataDir, 'mcp-audit.yaml')
  const anchorFile = path.join(dataDir, 'anchor.json')
  const env = () => ({ MCP_AUDIT_CONFIG: configFile })
  let sealedTo = 0

  /** Rows of both tenants at their Kafka positions on two partitions, then sealed by the real sealer. */
  async function storeAndSeal(prefix: string, hours: number): Promise<void> {
    const events = ['acme', 'other'].flatMap((tenant) =>
      seedEvents({
        tenant,
        from: new Date(Date.UTC(2026, 10, 1, sealedTo)),
        hours,
        gateways: [{ name: 'gw', perHour: 3 }],
        keepDays: 3650,
        prefix: `${prefix}-${tenant}`,
      }),
    )
    const perPartition = Math.ceil(events.length / 2)
    await insertEvents(
      store,
      events.map(
        (event, i) =>
          ({
            ...event,
            source_partition: i % 2,
            source_offset: sealedTo * 100 + Math.floor(i / 2),
          }) as typeof event,
      ),
    )
    const upTo = String(sealedTo * 100 + perPartition)
    sealer.committed([
      { partition: 0, offset: upTo },
      { partition: 1, offset: upTo },
    ])
    await sealer.sealNow()
    sealedTo += hours
  }

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    assertTestDatabase(DATABASE)
    writeFileSync(
      configFile,
      [
        `dataDir: ${dataDir}`,
        'logLevel: warn',
        `clickhouse: { database: ${DATABASE} }`,
        'tenants: [{ id: acme }, { id: other }]',
        'alerts:',
        '  allowPrivateNetworks: [127.0.0.0/8]',
        `  webhooks: [{ name: witness, url: "http://127.0.0.1:${port}/anchor", format: standard, secret: "${SECRET}", tenants: [acme] }]`,
        'integrity: { sealIntervalSeconds: 1, anchor: { webhooks: [witness], intervalMinutes: 60 } }',
        '',
      ].join('\n'),
    )
    config = AppConfig.parse({
      dataDir,
      clickhouse: { database: DATABASE },
      tenants: [{ id: 'acme' }, { id: 'other' }],
      alerts: {
        allowPrivateNetworks: ['127.0.0.0/8'],
        webhooks: [
          {
            name: 'witness',
            url: `http://127.0.0.1:${port}/anchor`,
            format: 'standard',
            secret: SECRET,
            tenants: ['acme'],
          },
        ],
      },
      integrity: { sealIntervalSeconds: 1, anchor: { webhooks: ['witness'], intervalMinutes: 60 } },
    })
    store = openStore(config)
    await migrate(store, logger)
    sealer = createSealer({ store, key: loadSealKey(config, logger), logger, intervalSeconds: 1 })
    for (const part of ['a', 'b', 'c']) await storeAndSeal(part, 2)
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('sends the head of each of the tenant’s chains, signed, to the webhooks that receive it', async () => {
    const lifecycle = new Lifecycle(logger)
    startReporter({
      config,
      store,
      logger,
      registry: new Registry(),
      lifecycle,
      selfAudit: createLoggingSelfAudit(logger),
    })
    await waitFor(() => received.length, { description: 'an anchor delivered', until: (n) => n >= 1 })
    await lifecycle.stop('test')
    expect(received).toHaveLength(1) // tenant "other" is not received by the webhook
    const [request] = received
    expect(verifyStandardWebhook(request!.headers, request!.body, SECRET)).toMatchObject({ ok: true })
    const body = JSON.parse(request!.body) as AnchorBody
    const heads = await queryRows<{ p: number; head: string; hash: string }>(
      store,
      `SELECT source_partition AS p, toString(max(seq)) AS head, argMax(seal_hash, seq) AS hash
       FROM ${DATABASE}.integrity_seals WHERE tenant_id = 'acme' GROUP BY p ORDER BY p`,
    )
    expect(body.type).toBe('integrity.anchor')
    expect(body.data.tenant_id).toBe('acme')
    expect(body.data.seals.map((s) => [s.partition, s.seq, s.seal_hash])).toEqual(
      heads.map((row) => [row.p, Number(row.head), row.hash]),
    )
    writeFileSync(anchorFile, request!.body)
    writeFileSync(`${anchorFile}.data`, JSON.stringify(body.data))
    // The chains move on after the anchor: it still proves everything up to its heads.
    await storeAndSeal('d', 2)
  })

  it('verify-store --anchor passes on the untouched store, for the body or its data', async () => {
    await store.close()
    const whole = runCli(['verify-store', '--anchor', anchorFile], env())
    expect(whole.stderr).toBe('')
    expect(whole.stdout).toContain('every anchored seal is stored unchanged and its chain up to it verifies')
    expect(whole.status).toBe(0)
    const data = runCli(['verify-store', '--anchor', `${anchorFile}.data`, '--json'], env())
    expect(data.status).toBe(0)
    expect(JSON.parse(data.stdout)).toMatchObject({ ok: true, anchor: { ok: true, problems: [] } })
    writeFileSync(`${anchorFile}.bad`, '{"type":"alert.fired"}')
    const bad = runCli(['verify-store', '--anchor', `${anchorFile}.bad`], env())
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('not an integrity anchor')
    store = openStore(config)
  })

  it('fails naming the seals when seals before the anchor were deleted or the anchored seal edited', async () => {
    const body = JSON.parse(readFileSync(anchorFile, 'utf8')) as AnchorBody
    const [p0, p1] = body.data.seals
    await store.client.command({
      query: `ALTER TABLE ${DATABASE}.integrity_seals DELETE WHERE tenant_id = 'acme' AND source_partition = {p:UInt16} AND seq < {seq:UInt64}`,
      query_params: { p: p1!.partition, seq: p1!.seq },
      clickhouse_settings: { mutations_sync: '2' },
    })
    await store.client.command({
      query: `ALTER TABLE ${DATABASE}.integrity_seals UPDATE row_count = row_count + 1 WHERE tenant_id = 'acme' AND source_partition = {p:UInt16} AND seq = {seq:UInt64}`,
      query_params: { p: p0!.partition, seq: p0!.seq },
      clickhouse_settings: { mutations_sync: '2' },
    })
    await store.close()
    const result = runCli(['verify-store', '--anchor', anchorFile, '--json'], env())
    const human = runCli(['verify-store', '--anchor', anchorFile], env())
    store = openStore(config)
    expect(result.status).toBe(1)
    const { anchor } = JSON.parse(result.stdout) as {
      anchor: {
        ok: boolean
        problems: Array<{ kind: string; seal: { partition: number; seq: number }; detail: string }>
      }
    }
    expect(anchor.ok).toBe(false)
    const found = anchor.problems.map((problem) => [problem.kind, problem.seal.partition, problem.seal.seq])
    expect(found).toContainEqual(['seal_missing', p1!.partition, p1!.seq])
    expect(found).toContainEqual(['seal_edited', p0!.partition, p0!.seq])
    expect(human.status).toBe(1)
    expect(human.stdout).toContain(
      `SEAL_MISSING seal acme/p${p1!.partition}#${p1!.seq}: seals 0…${p1!.seq - 1} of the chain are missing`,
    )
  })
})
