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
