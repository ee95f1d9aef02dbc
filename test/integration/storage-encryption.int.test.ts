import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { openStore } from '../../services/platform/clickhouse.js'
import { ConfigError } from '../../services/platform/config.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { createLoggingSelfAudit } from '../../services/platform/self-audit.js'
import type { Check } from '../../services/reporter/check.js'
import { createReports, loadSigningKey } from '../../services/reporter/index.js'
import { runCli } from '../helpers/cli.js'
import { post, startTestCollector, type TestCollector } from '../helpers/collector.js'
import { startTestNormalizer, type TestNormalizer } from '../helpers/pipeline.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
/** Plain words, so redaction keeps them; each test has a fresh data directory. */
const marker = 'ocelot_ledger_marker'

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle)
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file).includes(bytes))
}

describe('the embedded store on the encrypted disk, through the pipeline', () => {
  let store: TestStore | undefined
  let collector: TestCollector | undefined
  let normalizer: TestNormalizer | undefined

  afterEach(async () => {
    await normalizer?.stop()
    await collector?.stop()
    await store?.dispose()
    normalizer = collector = store = undefined
  })

  /** Sends one event with a recognisable tool name and arguments; reads it back from the store. */
  async function storeThroughPipeline(encryptionKey: string | undefined) {
    store = openTestStore({ encryptionKey })
    await migrate(store, logger)
    collector = await startTestCollector(brokers)
    normalizer = await startTestNormalizer(brokers, store, collector.topics)
    const eventId = `enc-${randomUUID()}`
    const event = {
      event_id: eventId,
      timestamp: new Date().toISOString(),
      method: 'tools/call',
      server: { name: 'files' },
      tool: marker,
      arguments: { note: `quarterly ${marker} figures` },
    }
    expect((await post(`${collector.url}/v1/events`, JSON.stringify([event]))).status).toBe(202)
    const db = store.database
    await waitForCount(store, `SELECT count() AS n FROM ${db}.audit_events WHERE event_id = {id:String}`, 1, {
      params: { id: eventId },
    })
    const rows = await queryRows<{ tool: string; arguments: string }>(
      store,
      `SELECT tool, arguments FROM ${db}.audit_events WHERE event_id = {id:String}`,
      { id: eventId },
    )
    return { rows, clearFiles: filesContaining(store.dataDir, marker) }
  }

  /** The storage-encryption check of a report generated now (after the grep: report files are clear). */
  async function reportCheck(reportedStore: TestStore) {
    const config = AppConfig.parse({
      dataDir: reportedStore.dataDir,
      clickhouse: { database: reportedStore.database },
      tenants: [{ id: 'acme' }],
    })
    const reports = createReports({
      config,
      store: reportedStore,
      logger,
      selfAudit: createLoggingSelfAudit(logger),
      signingKey: loadSigningKey(config, logger),
    })
    const now = Date.now()
    const record = await reports.generate({
      tenantId: 'acme',
      from: new Date(now - 3_600_000),
      to: new Date(now + 60_000),
      formats: ['json'],
      requestedBy: 'test',
    })
    const file = await reports.file('acme', record.report_id, 'json')
    const json = JSON.parse(readFileSync(file!.path, 'utf8')) as { checks: Check[] }
    return json.checks.find((check) => check.id === 'storage-encryption')!
  }

  it('stores and reads events, and no file of the data directory holds their text', async () => {
    const { rows, clearFiles } = await storeThroughPipeline(randomBytes(32).toString('base64'))
    expect(rows).toEqual([{ tool: marker, arguments: expect.stringContaining(marker) as string }])
    expect(clearFiles).toEqual([])
    const check = await reportCheck(store!)
    expect(check.status).toBe('pass')
    expect(check.evidence[0]).toMatch(
      /^embedded store .*: all \d+ tables on encrypted disks \(mcp_audit_encrypted\)/,
    )
  })

  it('without a key the same grep finds the text (the check above can fail)', async () => {
    const { rows, clearFiles } = await storeThroughPipeline(undefined)
    expect(rows).toHaveLength(1)
    expect(clearFiles.length).toBeGreaterThan(0)
    const check = await reportCheck(store!)
    expect(check.status).toBe('fail')
    expect(check.evidence).toContain('audit_events: policy default, disks default (clear)')
  })
})

describe('opening an encrypted store again', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-enc-'))
  const key = randomBytes(32).toString('hex')
  const config = (encryptionKey: string | undefined) =>
    AppConfig.parse({ dataDir, clickhouse: { database: 'mcp_audit_test_reopen', encryptionKey } })

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('reads with its key after a restart, and refuses a wrong key or none (exit 2 from the CLI)', async () => {
    const first = openStore(config(key))
    await migrate(first, logger)
    const migrationsSql = 'SELECT name FROM mcp_audit_test_reopen.schema_migrations ORDER BY version'
    const applied = await queryRows<{ name: string }>(first, migrationsSql)
    expect(applied.length).toBeGreaterThan(0)
    await first.close()

    expect(() => openStore(config(randomBytes(32).toString('hex')))).toThrow(ConfigError)
    expect(() => openStore(config(undefined))).toThrow(/is encrypted: set clickhouse\.encryptionKey/)
    const cli = runCli(['migrate'], { MCP_AUDIT_DATA_DIR: dataDir, MCP_AUDIT_STORAGE_KEY: 'abcd' })
    expect(cli.status).toBe(2)
    expect(cli.stderr).toContain('clickhouse.encryptionKey')

    const again = openStore(config(key))
    try {
      expect(await queryRows<{ name: string }>(again, migrationsSql)).toEqual(applied)
    } finally {
      await again.close()
    }
  })
})
