import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { AppConfig } from '../../schemas/config.js'
import { openStore } from '../../services/platform/clickhouse.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { freePort } from '../../services/platform/local-kafka.js'
import { createLogger } from '../../services/platform/logger.js'
import { exited, runCli, spawnCli, writeCliConfig } from '../helpers/cli.js'
import { groupCaughtUp } from '../helpers/kafka.js'
import { TEST_PSEUDONYMIZATION_KEY } from '../helpers/pipeline.js'
import { queryRows } from '../helpers/store.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const kafka = createKafka({ brokers, clientId: 'crash-test' }, createLogger({ level: 'silent' }))
const EVENTS = 40_000
const KILLS = 3

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-test-crash-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

async function metric(url: string, name: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text()
    return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    )
  } catch {
    return 0
  }
}

describe('normalizer killed with SIGKILL in the middle of a stream', () => {
  // Each restart waits for the killed member's Kafka session (10 s) to expire before it rejoins.
  it(
    'ends with exactly the produced events stored, none missing and none counted twice',
    { timeout: 240_000 },
    async () => {
      const suffix = randomUUID().slice(0, 8)
      const topics = {
        raw: `crash.raw.${suffix}`,
        dlq: `crash.dlq.${suffix}`,
        receipts: `crash.receipts.${suffix}`,
      }
      const groupId = `crash-normalizer-${suffix}`
      const database = 'mcp_audit_test_crash'
      const opsPort = await freePort()
      const configFile = writeCliConfig({
        dataDir,
        brokers,
        topics,
        database,
        lines: [
          `normalizer: { consumerGroup: ${groupId}, opsPort: ${opsPort}, batchMaxRows: 2000, batchMaxWaitMs: 300, chunkSize: 500, workers: 1 }`,
          'integrity: { sealIntervalSeconds: 1 }',
        ],
      })
      await ensureTopics(kafka, [
        { topic: topics.raw, numPartitions: 3 },
        { topic: topics.dlq, numPartitions: 1 },
        { topic: topics.receipts, numPartitions: 1 },
      ])
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()
      for (let start = 0; start < EVENTS; start += 2_000) {
        await producer.send({
          topic: topics.raw,
          acks: -1,
          messages: Array.from({ length: Math.min(2_000, EVENTS - start) }, (_, k) => {
            const i = start + k
            return {
              key: `session-${i % 97}`,
              value: JSON.stringify({
                v: 1,
                tenant_id: 'acme',
                gateway: 'crash-gw',
                format: 'generic',
                received_at: '2026-11-24T10:00:00Z',
                event: {
                  event_id: `crash-${String(i).padStart(6, '0')}`,
                  timestamp: new Date(Date.UTC(2026, 10, 24, 9, 0, 0, i)).toISOString(),
                  method: 'tools/call',
                  server: { name: ['github', 'filesystem', 'slack'][i % 3] },
                  tool: ['create_issue', 'read_file', 'post_message'][i % 3],
                  user: { id: `user${i % 50}@example.com` },
                  arguments: {
                    path: `/home/user${i % 50}/notes-${i}.txt`,
                    note: `mail me at user${i % 50}@example.com`,
                  },
                  status: i % 10 === 0 ? 'error' : 'success',
                  duration_ms: i % 200,
                },
              }),
            }
          }),
        })
      }
      await producer.disconnect()

      const env = { MCP_AUDIT_CONFIG: configFile, MCP_AUDIT_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY }
      const opsUrl = `http://127.0.0.1:${opsPort}`
      const writtenBeforeKill: number[] = []
      for (let kill = 0; kill < KILLS; kill++) {
        const child = spawnCli(['normalizer'], env)
        // Kill once this run has written something, so every kill lands mid-stream.
        await waitFor(() => metric(opsUrl, 'mcp_audit_normalizer_rows_written_total'), {
          description: `run ${kill + 1} of the normalizer to write rows`,
          timeoutMs: 60_000,
          until: (written) => written >= 1,
        })
        // A different moment for each kill is the scenario, not synchronisation.
        await new Promise((resolve) => setTimeout(resolve, 300 + kill * 200))
        writtenBeforeKill.push(await metric(opsUrl, 'mcp_audit_normalizer_rows_written_total'))
        child.kill('SIGKILL')
        await exited(child)
      }
      expect(writtenBeforeKill.every((written) => written > 0)).toBe(true)
      expect(await groupCaughtUp(kafka, groupId, topics.raw)).toBe(false)

      const final = spawnCli(['normalizer'], env)
      let stderr = ''
      final.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      await waitFor(() => groupCaughtUp(kafka, groupId, topics.raw), {
        description: `consumer group ${groupId} to catch up with ${topics.raw}`,
        timeoutMs: 180_000,
        intervalMs: 500,
      })
      final.kill('SIGTERM')
      expect(await exited(final)).toBe(0)
      expect(stderr).toBe('')

      // Every row sealed exactly once across the kills and replays: verify-store finds the trail intact.
      const intact = runCli(['verify-store', '--json'], env)
      expect(intact.stderr).toBe('')
      // The report names what broke (changed, missing or added ids, broken seals) if this ever fails.
      expect(intact.status, intact.stdout).toBe(0)
      expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, rows: expect.any(Number), problems: [] })

      const store = openStore(AppConfig.parse({ dataDir, clickhouse: { database } }))
      try {
        const table = `${database}.audit_events`
        const [counts] = await queryRows<{
          rows: number
          final: number
          ids: number
          foreign: number
          min: string
          max: string
        }>(
          store,
          `SELECT (SELECT count() FROM ${table}) AS rows, count() AS final, uniqExact(event_id) AS ids,
                countIf(NOT startsWith(event_id, 'crash-')) AS foreign, min(event_id) AS min, max(event_id) AS max
         FROM ${table} FINAL`,
        )
        expect(Number(counts!.final)).toBe(EVENTS)
        expect(Number(counts!.ids)).toBe(EVENTS)
        expect(Number(counts!.foreign)).toBe(0)
        expect(counts!.min).toBe('crash-000000')
        expect(counts!.max).toBe(`crash-${String(EVENTS - 1).padStart(6, '0')}`)
        // Rows physically written more than once (replays after a kill) are what FINAL collapses.
        expect(Number(counts!.rows)).toBeGreaterThanOrEqual(EVENTS)
        const leaked = await queryRows<{ n: number }>(
          store,
          `SELECT count() AS n FROM ${table} WHERE positionCaseInsensitive(arguments, '@example.com') > 0 OR positionCaseInsensitive(user_id, '@example.com') > 0`,
        )
        expect(Number(leaked[0]!.n)).toBe(0)
        const [sealed] = await queryRows<{ leaves: number; ids: number }>(
          store,
          `SELECT count() AS leaves, uniqExact(id) AS ids FROM ${database}.integrity_seals ARRAY JOIN event_ids AS id`,
        )
        expect(Number(sealed!.leaves)).toBe(EVENTS)
        expect(Number(sealed!.ids)).toBe(EVENTS)
        await store.client.command({
          query: `ALTER TABLE ${table} UPDATE status = 'denied' WHERE event_id = 'crash-000123'`,
          clickhouse_settings: { mutations_sync: '2' },
        })
      } finally {
        await store.close()
      }
      const tampered = runCli(['verify-store'], env)
      expect(tampered.status).toBe(1)
      expect(tampered.stdout).toMatch(/CHANGED seal acme\/p\d#\d+: .*\n {2}event ids \(1\): crash-000123\n/)
      const badTime = runCli(['verify-store', '--from', 'yesterday'], env)
      expect(badTime.status).toBe(2)
      expect(badTime.stderr).toContain('not an ISO 8601 time')
      const badKey = runCli(['verify-store', '--public-key', path.join(dataDir, 'missing.pem')], env)
      expect(badKey.status).toBe(2)
      expect(badKey.stderr).toContain('cannot read the public key')
    },
  )
})
