import kafkajs, { type ITopicConfig } from 'kafkajs'
import type { AppConfig } from '../../../schemas/config.js'
import type { Kafka } from './client.js'

export type { ITopicConfig as TopicConfig }

// Node's CommonJS interop does not see these among kafkajs's named exports: read them off the module.
const { ConfigResourceTypes, ConfigSource } = kafkajs

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

const HOUR_MS = 3_600_000

const retention = (hours: number) => [{ name: 'retention.ms', value: String(hours * HOUR_MS) }]

/**
 * The pipeline's topics: raw events (partitioned for throughput), the DLQ and receipts. The raw
 * topic and the DLQ hold events before redaction, so their retention comes from config
 * (`kafka.rawRetentionHours`, `kafka.dlqRetentionHours`).
 */
export function pipelineTopics(config: Pick<AppConfig, 'kafka'>): ITopicConfig[] {
  const { raw, dlq, receipts } = config.kafka.topics
  return [
    {
      topic: raw,
      numPartitions: config.kafka.partitions,
      configEntries: retention(config.kafka.rawRetentionHours),
    },
    { topic: dlq, numPartitions: 1, configEntries: retention(config.kafka.dlqRetentionHours) },
    { topic: receipts, numPartitions: 1 },
  ]
}

/** A topic's settings as the broker reports them (its own and the defaults it inherits). */
export async function describeTopicConfig(kafka: Kafka, topic: string): Promise<Record<string, string>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    })
    return Object.fromEntries((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]))
  } finally {
    await admin.disconnect()
  }
}

export interface TopicConfigChange {
  topic: string
  name: string
  /** The topic's value before, its own or the broker's default. */
  from: string | null
  to: string
}

/**
 * Sets each topic's `configEntries` where the topic, created earlier or by hand, has another value.
 * AlterConfigs (the only form kafkajs speaks) replaces all of a topic's own settings, so the ones it
 * has are sent along unchanged.
 */
export async function alignTopicConfigs(kafka: Kafka, topics: ITopicConfig[]): Promise<TopicConfigChange[]> {
  const wanted = topics.filter((topic) => (topic.configEntries?.length ?? 0) > 0)
  if (wanted.length === 0) return []
  const admin = kafka.admin()
  await admin.connect()
  try {
    const described = await admin.describeConfigs({
      resources: wanted.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic.topic })),
      includeSynonyms: false,
    })
    const changes: TopicConfigChange[] = []
    const resources = []
    for (const topic of wanted) {
      const entries = described.resources.find((r) => r.resourceName === topic.topic)?.configEntries ?? []
      const current = new Map(entries.map((entry) => [entry.configName, entry.configValue]))
      const differing = (topic.configEntries ?? []).filter((entry) => current.get(entry.name) !== entry.value)
      if (differing.length === 0) continue
      const own = new Map(
        entries
          .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG && !entry.isSensitive)
          .map((entry) => [entry.configName, entry.configValue]),
      )
      for (const { name, value } of differing) {
        changes.push({ topic: topic.topic, name, from: current.get(name) ?? null, to: value })
        own.set(name, value)
      }
      resources.push({
        type: ConfigResourceTypes.TOPIC,
        name: topic.topic,
        configEntries: [...own].map(([name, value]) => ({ name, value })),
      })
    }
    if (resources.length > 0) await admin.alterConfigs({ validateOnly: false, resources })
    return changes
  } finally {
    await admin.disconnect()
  }
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
