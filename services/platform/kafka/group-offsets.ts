import type { Admin } from 'kafkajs'
import type { Kafka } from './client.js'

/**
 * A consumer group's committed offsets on one topic, read again and again on one admin connection
 * (the exporter asks every poll). Every partition of the topic is listed: one the group never
 * committed has offset 0. A failed read drops the connection; the next read opens a new one.
 */
export interface GroupOffsetsReader {
  /** Partition → committed offset (the next offset the group will read). */
  read(): Promise<Map<number, number>>
  close(): Promise<void>
}

export function createGroupOffsetsReader(kafka: Kafka, groupId: string, topic: string): GroupOffsetsReader {
  let admin: Admin | undefined

  const connected = async (): Promise<Admin> => {
    if (admin) return admin
    const fresh = kafka.admin()
    await fresh.connect()
    admin = fresh
    return fresh
  }

  const close = async () => {
    const open = admin
    admin = undefined
    await open?.disconnect()
  }

  return {
    async read() {
      try {
        const [committed] = await (await connected()).fetchOffsets({ groupId, topics: [topic] })
        return new Map(
          (committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))] as const),
        )
      } catch (err) {
        await close().catch(() => undefined)
        throw err
      }
    },
    close,
  }
}
