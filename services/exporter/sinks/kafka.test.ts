import { describe, expect, it } from 'vitest'
import { KafkaSinkConfig } from '../../../schemas/export.js'
import { storedEventFixture } from '../../../test/helpers/stored-event.js'
import { createLogger } from '../../platform/logger.js'
import { parseAllowList } from '../../webhooks/ssrf.js'
import { toExportEvent } from '../record.js'
import { createKafkaSink } from './kafka.js'
import { sendFailure } from './sink.js'

const logger = createLogger({ level: 'silent' })
const records = [toExportEvent(storedEventFixture())]

const sink = (brokers: string[] | undefined, allow: string[]) =>
  createKafkaSink({
    config: KafkaSinkConfig.parse({
      name: 'lake',
      type: 'kafka',
      topic: 'mcp.audit.export',
      ...(brokers ? { brokers } : {}),
    }),
    pipelineBrokers: ['127.0.0.1:1'],
    clientId: 'test',
    allowList: parseAllowList(allow),
    logger,
    resolve: (host) =>
      Promise.resolve(host === 'kafka.internal' ? [{ address: '10.1.2.3', family: 4 as const }] : []),
  })

describe('the Kafka sink and the SSRF guard', () => {
  it('refuses brokers of another cluster on private or loopback addresses unless allow-listed, before connecting', async () => {
    for (const brokers of [['127.0.0.1:9092'], ['kafka.internal:9092']]) {
      const failure = await sink(brokers, [])
        .send(records)
        .then(
          () => undefined,
          (err: unknown) => sendFailure(err),
        )
      expect(failure?.retryable).toBe(false)
      expect(failure?.message).toMatch(/refused to connect to broker .* is a (loopback|private) address/)
      expect(failure?.message).toContain('alerts.allowPrivateNetworks')
    }
  })
})
