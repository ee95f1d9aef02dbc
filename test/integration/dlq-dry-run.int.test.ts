import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { replayDeadLetters } from '../../services/normalizer/dlq-replay.js'
import { DLQ_HEADERS } from '../../services/normalizer/dlq.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createProducer } from '../../services/platform/kafka/producer.js'
import { ensureTopics } from '../../services/platform/kafka/topics.js'
import { createLogger } from '../../services/platform/logger.js'
import { runCli } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })
const kafka = createKafka({ brokers, clientId: 'dlq-dry-run-test' }, logger)
const token = 'ghp_' + 'Q7x2Lk9vB3'.repeat(4)
const PLANTED = { email: 'erin.dry@example.com', password: 'hunter2-dry-run', token }

describe('dlq replay --dry-run', () => {
  const id = randomUUID().slice(0, 8)
  const topics = { raw: `test.dry.${id}.raw`, dlq: `test.dry.${id}.dlq`, receipts: `test.dry.${id}.receipts` }
  const producer = createProducer(kafka)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-dry-run-'))
  afterAll(async () => {
    await producer.disconnect()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists positions, reasons and sizes, never a clear value, even from a reason that quotes one', async () => {
    await ensureTopics(kafka, [{ topic: topics.dlq, numPartitions: 1 }])
    const value = JSON.stringify({ note: `mail ${PLANTED.email} password=${PLANTED.password} ${token}` })
    await producer.send([
      {
        topic: topics.dlq,
        messages: [
          {
            key: PLANTED.email,
            value,
            headers: {
              // As an older version wrote it: the parse error quoting the message.
              [DLQ_HEADERS.reason]: `Unexpected token in "password=${PLANTED.password} ${PLANTED.email}"`,
              [DLQ_HEADERS.topic]: topics.raw,
              [DLQ_HEADERS.partition]: '0',
              [DLQ_HEADERS.offset]: '41',
            },
          },
        ],
      },
    ])
    // The same listing in process, retried while a fresh broker elects the replay group's coordinator.
    const listed = await waitFor(
      () =>
        replayDeadLetters({
          kafka,
          dlqTopic: topics.dlq,
          sourceTopics: [topics.raw],
          defaultTopic: topics.raw,
          logger,
          dryRun: true,
        }),
      { description: 'a dry-run listing of the DLQ', until: (letters) => letters.length === 1 },
    )
    expect(JSON.stringify(listed)).not.toContain(PLANTED.email)
    const config = path.join(dir, 'mcp-audit.yaml')
    writeFileSync(config, JSON.stringify({ dataDir: dir, kafka: { brokers, topics } }))
    const cli = runCli(['dlq', 'replay', '--dry-run'], { MCP_AUDIT_CONFIG: config })
    expect(cli.status, cli.stderr).toBe(0)
    for (const [name, planted] of Object.entries(PLANTED)) {
      expect(cli.stdout, name).not.toContain(planted)
      expect(cli.stderr, name).not.toContain(planted)
    }
    const [letter] = cli.stdout
      .split('\n')
      .filter((line) => line.startsWith('{"partition"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(letter).toMatchObject({
      partition: 0,
      offset: '0',
      target: topics.raw,
      original: `${topics.raw}:0:41`,
      bytes: Buffer.byteLength(value),
    })
    expect(letter?.reason).toMatch(
      /^Unexpected token in "password=\[REDACTED:SENSITIVE_KEY\] \[EMAIL:[0-9a-f]{16}\]"$/,
    )
    expect(cli.stdout).toContain(`would replay 1 message(s) from ${topics.dlq}`)
  })
})
