import type { ITopicConfig } from 'kafkajs'
import type { AppConfig } from '../../../schemas/config.js'
import type { Kafka } from './client.js'

export type { ITopicConfig as TopicConfig }

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, topics: ITopicConfig[]): Promise<string[]> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const existing = new Set(await admin.listTopics())
    const missing = topics.filter((topic) => !existing.has(topic.topic))
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true })
    return missing.map((topic) => topic.topic)
  } finally {
    await admin.disconnect()
  }
}

/** The pipeline's topics: raw events (partitioned for throughput), the DLQ and receipts. */
export function pipelineTopics(config: Pick<AppConfig, 'kafka'>): ITopicConfig[] {
  const { raw, dlq, receipts } = config.kafka.topics
  return [
    { topic: raw, numPartitions: config.kafka.partitions },
    { topic: dlq, numPartitions: 1 },
    { topic: receipts, numPartitions: 1 },
  ]
}

/**
 * Messages of `topic` a consumer group has not committed yet, over all partitions (a partition the
 * group never committed counts from its low watermark).
 */
export async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ])
    const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? [])
    let lag = 0
    for (const end of ends) {
      const at = done.get(end.partition) ?? -1
      lag += Number(end.high) - (at >= 0 ? at : Number(end.low))
    }
    return lag
  } finally {
    await admin.disconnect()
  }
}
