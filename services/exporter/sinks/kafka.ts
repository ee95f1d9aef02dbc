import { parseIp, type Cidr } from '../../../schemas/cidr.js'
import type { KafkaSinkConfig } from '../../../schemas/export.js'
import { EXPORT_SCHEMA, EXPORT_SCHEMA_REVISION, type ExportRecord } from '../../../schemas/export-record.js'
import { createKafka } from '../../platform/kafka/client.js'
import type { KafkaSecurity } from '../../platform/kafka/security.js'
import { createProducer, type KafkaProducer } from '../../platform/kafka/producer.js'
import { ensureTopics } from '../../platform/kafka/topics.js'
import type { Logger } from '../../platform/logger.js'
import { checkAddress, systemResolver, type Resolver } from '../../webhooks/ssrf.js'
import { ECS_VERSION, toEcs } from './ecs.js'
import type { Sink } from './sink.js'

export interface KafkaSinkOptions {
  config: KafkaSinkConfig
  /** The pipeline's brokers, used when the sink names none. */
  pipelineBrokers: readonly string[]
  pipelineSecurity?: KafkaSecurity
  clientId: string
  allowList: readonly Cidr[]
  logger: Logger
  resolve?: Resolver
}

/**
 * Brokers of another cluster pass the same SSRF guard as webhooks before the first connection:
 * every address of every bootstrap host must be public or allow-listed. (Brokers the cluster
 * advertises afterwards are the cluster's own and are not re-checked.)
 */
async function checkBrokers(brokers: readonly string[], allowList: readonly Cidr[], resolve: Resolver) {
  for (const broker of brokers) {
    const host = broker.slice(0, broker.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1')
    const addresses = parseIp(host) ? [{ address: host }] : await resolve(host)
    for (const { address } of addresses) {
      const verdict = checkAddress(address, allowList)
      if (!verdict.allowed) {
        throw Object.assign(
          new Error(
            `refused to connect to broker ${broker}: ${address} is ${verdict.label}; add its network to alerts.allowPrivateNetworks if this sink is meant to reach it`,
          ),
          { retryable: false },
        )
      }
    }
  }
}

/**
 * The message key: the event id for events (as in 1.0), `alert:<id>` and `report:<id>` for the
 * other kinds, so ids of different kinds never share a key in a compacted topic.
 */
export function messageKey(record: ExportRecord): string {
  return record.kind === 'event' ? record.id : `${record.kind}:${record.id}`
}

/**
 * A Kafka topic: one message per record, keyed by its id (`messageKey`: a compacted topic keeps
 * one copy; consumers drop repeats by key), the record's JSON as value, the schema revision, kind
 * and tenant in headers. Sent with
 * the pipeline's idempotent `acks=all` producer; the topic is created when missing.
 */
export function createKafkaSink(options: KafkaSinkOptions): Sink {
  const { config } = options
  const external = config.brokers !== undefined
  // With `schema: ecs` the value is the ECS document (sinks/ecs.ts), for a topic Elastic reads.
  const ecs = config.schema === 'ecs'
  const schemaHeader = ecs ? `ecs/${ECS_VERSION}` : `${EXPORT_SCHEMA}/${EXPORT_SCHEMA_REVISION}`
  const brokers = [...(config.brokers ?? options.pipelineBrokers)]
  // Another cluster's TLS/SASL settings are not configurable yet: only the pipeline's own cluster
  // gets the pipeline's `kafka.ssl`/`kafka.sasl`.
  const security = external ? undefined : options.pipelineSecurity
  const kafka = createKafka(
    { brokers, clientId: options.clientId, ...(security === undefined ? {} : { security }) },
    options.logger,
  )
  let producer: KafkaProducer | undefined

  const ready = async (): Promise<KafkaProducer> => {
    if (producer) return producer
    if (external) await checkBrokers(brokers, options.allowList, options.resolve ?? systemResolver)
    await ensureTopics(kafka, [{ topic: config.topic }])
    const fresh = createProducer(kafka)
    await fresh.connect()
    producer = fresh
    return fresh
  }

  return {
    name: config.name,
    type: config.type,
    async send(records) {
      if (records.length === 0) return
      const connected = await ready()
      await connected.send([
        {
          topic: config.topic,
          messages: records.map((record) => ({
            key: messageKey(record),
            value: JSON.stringify(ecs ? toEcs(record) : record),
            headers: {
              'mcp-audit-schema': schemaHeader,
              'mcp-audit-kind': record.kind,
              'mcp-audit-tenant': record.tenant_id,
            },
          })),
        },
      ])
    },
    async close() {
      await producer?.disconnect()
      producer = undefined
    },
  }
}
