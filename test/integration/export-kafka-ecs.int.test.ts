import { describe, expect, inject, it } from 'vitest'
import { KafkaSinkConfig } from '../../schemas/export.js'
import { toExportEvent } from '../../services/exporter/record.js'
import { createKafkaSink } from '../../services/exporter/sinks/kafka.js'
import { createKafka } from '../../services/platform/kafka/client.js'
import { createLogger } from '../../services/platform/logger.js'
import { parseAllowList } from '../../services/webhooks/ssrf.js'
import { jsonValues, readTopic } from '../helpers/kafka.js'
import { storedEventFixture } from '../helpers/stored-event.js'

/** The Kafka sink with `schema: ecs` on the real broker: the value is the ECS document. */

const brokers = inject('kafkaBrokers')
const logger = createLogger({ level: 'silent' })

describe('the Kafka sink with schema ecs', () => {
  it('writes each record as its ECS document, keyed by the event id, with the schema header', async () => {
    const topic = `test.export.ecs.${Date.now()}`
    const sink = createKafkaSink({
      config: KafkaSinkConfig.parse({ name: 'elastic', type: 'kafka', topic, schema: 'ecs' }),
      pipelineBrokers: brokers,
      clientId: 'export-ecs-test',
      allowList: parseAllowList([]),
      logger,
    })
    const records = ['e-1', 'e-2'].map((id) => toExportEvent(storedEventFixture({ event_id: id })))
    try {
      await sink.send(records)
    } finally {
      await sink.close()
    }
    const messages = await readTopic(
      createKafka({ brokers, clientId: 'export-ecs-reader' }, logger),
      topic,
      2,
    )
    // Keyed by event id, so the two may sit on different partitions: compare without order.
    expect(messages.map((message) => message.key?.toString()).sort()).toEqual(['e-1', 'e-2'])
    expect(messages[0]?.headers?.['mcp-audit-schema']?.toString()).toBe('ecs/9.0.0')
    const documents = jsonValues<{
      '@timestamp': string
      event: { id: string }
      mcp: { method: { name: string } }
    }>(messages)
    expect(documents.map((doc) => doc.event.id).sort()).toEqual(['e-1', 'e-2'])
    expect(documents[0]).toMatchObject({
      '@timestamp': '2026-11-24T10:00:00.123Z',
      mcp: { method: { name: 'tools/call' } },
    })
    expect(documents[0]).not.toHaveProperty('schema')
  })
})
