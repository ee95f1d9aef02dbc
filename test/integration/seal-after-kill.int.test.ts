import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { trustedSealPublicKey, verifyStore } from '../../services/integrity/index.js'
import { openStore } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { createLogger } from '../../services/platform/logger.js'
import { exited, spawnCli, writeCliConfig } from '../helpers/cli.js'
import { groupCaughtUp, rawEventMessage } from '../helpers/kafka.js'
import { TEST_PSEUDONYMIZATION_KEY, startTestRuntime } from '../helpers/pipeline.js'
import { queryRows, waitForCount } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const kafka = createKafka({ brokers, clientId: 'seal-after-kill-test' }, createLogger({ level: 'silent' }))
const EVENTS = 600

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-seal-kill-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('a normalizer killed after committing and before sealing', () => {
  it('leaves its committed rows to the next normalizer, which seals them with no new traffic', async () => {
    const suffix = randomUUID().slice(0, 8)
    const topics = { raw: `sk.raw.${suffix}`, dlq: `sk.dlq.${suffix}`, receipts: `sk.receipts.${suffix}` }
    const groupId = `sk-normalizer-${suffix}`
    const database = 'mcp_audit_test_seal_kill'
    await ensureTopics(kafka, [
      { topic: topics.raw, numPartitions: 3 },
      { topic: topics.dlq, numPartitions: 1 },
      { topic: topics.receipts, numPartitions: 1 },
    ])
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: topics.raw,
      acks: -1,
      messages: Array.from({ length: EVENTS }, (_, i) =>
        rawEventMessage(`sk-${String(i).padStart(4, '0')}`, {
          session: `session-${i % 31}`,
          occurredAt: new Date(Date.now() - 60_000 + i),
        }),
      ),
    })
    await producer.disconnect()

    // The first normalizer seals once an hour: killed after it stored and committed everything, it
    // has sealed nothing, and no event will ever arrive again to make a later one seal its rows.
    const configFile = writeCliConfig({
      dataDir,
      brokers,
      topics,
      database,
      lines: [
        `normalizer: { consumerGroup: ${groupId}, batchMaxWaitMs: 100, workers: 0 }`,
        'integrity: { sealIntervalSeconds: 3600 }',
      ],
    })
    const first = spawnCli(['normalizer'], {
      MCP_AUDIT_CONFIG: configFile,
      MCP_AUDIT_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY,
    })
    try {
      await waitFor(() => groupCaughtUp(kafka, groupId, topics.raw), {
        description: `consumer group ${groupId} to commit all of ${topics.raw}`,
        timeoutMs: 90_000,
        intervalMs: 300,
      })
    } finally {
      first.kill('SIGKILL')
      await exited(first)
    }

    const config = AppConfig.parse({
      dataDir,
      kafka: { brokers, topics, partitions: 3 },
      clickhouse: { database },
      pseudonymization: { key: TEST_PSEUDONYMIZATION_KEY },
      normalizer: { consumerGroup: groupId, workers: 0, batchMaxWaitMs: 100 },
      integrity: { sealIntervalSeconds: 1 },
    })
    const store = openStore(config)
    try {
      const [stored] = await queryRows<{ rows: number; seals: number }>(
        store,
        `SELECT (SELECT uniqExact(event_id) FROM ${database}.audit_events) AS rows,
           (SELECT count() FROM ${database}.integrity_seals) AS seals`,
      )
      expect({ rows: Number(stored!.rows), seals: Number(stored!.seals) }).toEqual({ rows: EVENTS, seals: 0 })

      const runtime = await startTestRuntime(config, store, { services: ['normalizer'] })
      try {
        await waitForCount(
          store,
          `SELECT count() AS n FROM ${database}.integrity_seals ARRAY JOIN event_ids AS e`,
          EVENTS,
          { timeoutMs: 60_000 },
        )
      } finally {
        await runtime.stop('test')
      }
      const result = await verifyStore(store, {
        publicKey: trustedSealPublicKey(config)!,
        sealIntervalSeconds: 1,
      })
      expect(result.problems).toEqual([])
      expect(result).toMatchObject({ ok: true, rows: EVENTS })
    } finally {
      await store.close()
    }
  }, 180_000)
})
