import { randomBytes, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import { queryTableStorage } from '../../services/platform/store/storage-disks.js'
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
    return { rows, dataDir: store.dataDir, storage: await queryTableStorage(store) }
  }

  it('stores and reads events, and no file of the data directory holds their text', async () => {
    const { rows, dataDir, storage } = await storeThroughPipeline(randomBytes(32).toString('base64'))
    expect(rows).toEqual([{ tool: marker, arguments: expect.stringContaining(marker) as string }])
    expect(filesContaining(dataDir, marker)).toEqual([])
    const events = storage.find((entry) => entry.table === 'audit_events')
    expect(events?.disks).toEqual([expect.objectContaining({ encrypted: true })])
    expect(storage.every((entry) => entry.disks.every((disk) => disk.encrypted))).toBe(true)
  })

  it('without a key the same grep finds the text (the check above can fail)', async () => {
    const { rows, dataDir, storage } = await storeThroughPipeline(undefined)
    expect(rows).toHaveLength(1)
    expect(filesContaining(dataDir, marker).length).toBeGreaterThan(0)
    expect(storage.find((entry) => entry.table === 'audit_events')?.disks).toEqual([
      expect.objectContaining({ encrypted: false }),
    ])
  })
})
