import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { trustedSealPublicKey, verifyStore } from '../../services/integrity/index.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { createLogger } from '../../services/platform/logger.js'
import { migrate } from '../../services/platform/migrations.js'
import type { Runtime } from '../../services/runtime/index.js'
import { TEST_PSEUDONYMIZATION_KEY, startTestRuntime } from '../helpers/pipeline.js'
import { rawEventMessage } from '../helpers/kafka.js'
import { openTestStore, queryRows, waitForCount, type TestStore } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'seal-rebalance-test' }, logger)
const WAVE = 300
const PARTITIONS = 4

describe('two normalizers in one group, joining and leaving', () => {
  let store: TestStore | undefined
  afterAll(async () => {
    await store?.dispose()
  })

  it('seal each stored row once, each partition in one chain, across both rebalances', async () => {
    store = openTestStore()
    await migrate(store, logger)
    const suffix = randomUUID().slice(0, 8)
    const topics = { raw: `sr.raw.${suffix}`, dlq: `sr.dlq.${suffix}`, receipts: `sr.receipts.${suffix}` }
    await ensureTopics(kafka, [
      { topic: topics.raw, numPartitions: PARTITIONS },
      { topic: topics.dlq, numPartitions: 1 },
      { topic: topics.receipts, numPartitions: 1 },
    ])
    const config = AppConfig.parse({
      dataDir: store.dataDir,
      kafka: { brokers, topics, partitions: PARTITIONS },
      clickhouse: { database: store.database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: `sr-${suffix}`, workers: 0, batchMaxWaitMs: 100, chunkSize: 50 },
      integrity: { sealIntervalSeconds: 1 },
    })
    const producer = kafka.producer()
    await producer.connect()
    let sent = 0
    const sendWave = async () => {
      await producer.send({
        topic: topics.raw,
        acks: -1,
        messages: Array.from({ length: WAVE }, (_, k) =>
          rawEventMessage(`sr-${String(sent + k).padStart(5, '0')}`, {
            tenantId: (sent + k) % 3 === 0 ? 'globex' : 'acme',
            session: `session-${(sent + k) % 23}`,
            occurredAt: new Date(Date.now() - 60_000 + sent + k),
          }),
        ),
      })
      sent += WAVE
    }
    const sealedLeaves = `SELECT count() AS n FROM ${store.database}.integrity_seals ARRAY JOIN event_ids AS e`

    const members = async () => {
      const admin = kafka.admin()
      await admin.connect()
      try {
        const { groups } = await admin.describeGroups([config.normalizer.consumerGroup])
        return groups[0]?.state === 'Stable' ? (groups[0]?.members.length ?? 0) : 0
      } finally {
        await admin.disconnect()
      }
    }
    const rowsWritten = async (runtime: Runtime) => {
      const text = await runtime.context.registry.getSingleMetricAsString(
        'mcp_audit_normalizer_rows_written_total',
      )
      return [...text.matchAll(/table="[^"]*\.audit_events"[^}]*\} (\d+)/g)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      )
    }

    const first = await startTestRuntime(config, store, { services: ['normalizer'] })
    let second: Runtime | undefined
    try {
      await sendWave()
      await waitForCount(store, sealedLeaves, sent)
      // The second member joins: the group splits the partitions between the two.
      second = await startTestRuntime(config, store, { services: ['normalizer'] })
      await waitFor(members, { description: 'a stable group of two normalizers', until: (n) => n === 2 })
      await sendWave()
      await waitForCount(store, sealedLeaves, sent)
      expect(await rowsWritten(second)).toBeGreaterThan(0)
      // The first leaves: the second takes every partition, including what the first had committed.
      await first.stop('test')
      await sendWave()
      await waitForCount(store, sealedLeaves, sent)
    } finally {
      await Promise.all([first.stop('test'), second?.stop('test')])
    }
    await producer.disconnect()

    const [sealed] = await queryRows<{ leaves: number; ids: number; partitions: number }>(
      store,
      `SELECT count() AS leaves, uniqExact(e) AS ids, uniqExact(source_partition) AS partitions
       FROM ${store.database}.integrity_seals ARRAY JOIN event_ids AS e`,
    )
    expect({
      leaves: Number(sealed!.leaves),
      ids: Number(sealed!.ids),
      partitions: Number(sealed!.partitions),
    }).toEqual({ leaves: sent, ids: sent, partitions: PARTITIONS })
    // One chain per tenant and partition: sequence numbers 0, 1, 2… with no two seals at one place.
    const chains = await queryRows<{
      tenant_id: string
      source_partition: number
      seals: number
      seqs: number
      top: number
    }>(
      store,
      `SELECT tenant_id, source_partition, count() AS seals, uniqExact(seq) AS seqs, max(seq) AS top
       FROM ${store.database}.integrity_seals GROUP BY tenant_id, source_partition`,
    )
    for (const chain of chains) {
      expect(Number(chain.seqs), `${chain.tenant_id}/p${chain.source_partition}`).toBe(Number(chain.seals))
      expect(Number(chain.top) + 1).toBe(Number(chain.seals))
    }
    const result = await verifyStore(store, {
      publicKey: trustedSealPublicKey(config)!,
      sealIntervalSeconds: 1,
    })
    expect(result.problems).toEqual([])
    expect(result).toMatchObject({ ok: true, rows: sent })
  }, 180_000)
})
