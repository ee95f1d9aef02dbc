import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs'

/** A consumer group member, one fetched batch of a partition, and one message as read from Kafka. */
export type { Consumer, EachBatchPayload, KafkaMessage }

/**
 * The one kind of consumer mcp-audit reads Kafka with (normalizer loops, DLQ replay, tests). A
 * member that died without leaving (SIGKILL) holds its partitions until its session expires, and a
 * restarted service waits that long to rejoin: the session is kept short, and callers heartbeat
 * between chunks of work, well within it. Topics are never created by reading them.
 */
export function createConsumer(kafka: Kafka, { groupId }: { groupId: string }): Consumer {
  return kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    allowAutoTopicCreation: false,
  })
}

/** What to commit once `offset` is handled: a committed offset names the next message to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString()
}
