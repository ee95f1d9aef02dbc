import { Kafka, logLevel, type LogEntry } from 'kafkajs'
import type { Logger } from '../logger.js'
import { kafkaSecurityOptions, type KafkaSecurity } from './security.js'

/** The connection to the cluster; producers, consumers and admin clients are made from it here, in platform/kafka. */
export type { Kafka }
/** A message as it goes to Kafka, and the messages of one send grouped by topic. */
export type { IHeaders, Message, TopicMessages } from 'kafkajs'

export interface KafkaSettings {
  brokers: string[]
  clientId: string
  /** `config.kafka` for the brokers of `kafka.brokers`: its `ssl` and `sasl`, if any. */
  security?: KafkaSecurity
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
}

/**
 * kafkajs behind our own factory: its logs go through pino (as `kafka_client`). Only the files of
 * platform/kafka import kafkajs (an ESLint rule keeps it so), so replacing the client stays local.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' })
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...kafkaSecurityOptions(settings.security ?? {}),
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
