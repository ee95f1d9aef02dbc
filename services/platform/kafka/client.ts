import { Kafka, logLevel, type ITopicConfig, type LogEntry } from 'kafkajs'
import type { AppConfig } from '../../schemas/config.js'
import type { Logger } from './logger.js'

export type { Kafka }

export interface KafkaSettings {
  brokers: string[]
  clientId: string
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
}

/**
 * kafkajs behind our own factory: its logs go through pino (as `kafka_client`), and only this
 * module and the producer/consumer wrappers import kafkajs, so replacing the client stays local.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' })
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...details } = entry
        log[LEVELS[level] ?? 'info']({ kafka_message: message, ...details }, 'kafka_client')
      },
  })
}

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
