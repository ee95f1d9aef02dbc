import type { Check, CheckStatus } from './check.js'
import type { StorageEncryptionFacts } from './storage-encryption.js'

/**
 * `storage-encryption`: whether the audit data is encrypted where it rests and between our
 * services, from the running deployment (storage-encryption.ts). FAIL when a store table can be
 * written to a disk in clear or events reach a non-loopback Kafka broker in clear; WARN when it
 * could not be verified or TLS does not check certificates (PCI DSS 3.5.1, 4.2.1; HIPAA
 * 164.312(a)(2)(iv); ISO 27001 A.8.24).
 */

export const STORAGE_ENCRYPTION_CHECK = 'storage-encryption'

const MAX_TABLES = 8

function isLoopback(broker: string): boolean {
  const host = broker.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function storeVerdict(store: StorageEncryptionFacts['store']): { status: CheckStatus; lines: string[] } {
  const where = `${store.mode} store (${store.location})`
  if (!store.verified) {
    return { status: 'warn', lines: [`${where}: disks not verified: ${store.reason}`] }
  }
  const clear = store.tables.filter((table) => table.disks.some((disk) => !disk.encrypted))
  const describe = (table: (typeof store.tables)[number]) =>
    `${table.table}: policy ${table.policy}, disks ${table.disks
      .map((disk) => `${disk.name} (${disk.encrypted ? 'encrypted' : 'clear'})`)
      .join(', ')}`
  if (store.tables.length === 0) {
    return { status: 'warn', lines: [`${where}: the engine reports no tables to check`] }
  }
  if (clear.length > 0) {
    return {
      status: 'fail',
      lines: [
        `${where}: ${clear.length} of ${store.tables.length} tables can be written to a disk in clear (system.disks is_encrypted = 0)`,
        ...clear.slice(0, MAX_TABLES).map(describe),
        ...(clear.length > MAX_TABLES ? [`… and ${clear.length - MAX_TABLES} more tables`] : []),
      ],
    }
  }
  const disks = [...new Set(store.tables.flatMap((table) => table.disks.map((disk) => disk.name)))]
  return {
    status: 'pass',
    lines: [
      `${where}: all ${store.tables.length} tables on encrypted disks (${disks.join(', ')}), as the engine reports them`,
    ],
  }
}

function kafkaVerdict(kafka: StorageEncryptionFacts['kafka']): { status: CheckStatus; lines: string[] } {
  if (kafka.brokers.length === 0) {
    return { status: 'pass', lines: ['Kafka: the local broker of `start`, on loopback only (plaintext)'] }
  }
  const auth = kafka.sasl ? `SASL ${kafka.sasl}` : 'no SASL'
  const brokers = kafka.brokers.join(', ')
  if (!kafka.tls) {
    const remote = kafka.brokers.filter((broker) => !isLoopback(broker))
    return remote.length > 0
      ? {
          status: 'fail',
          lines: [`Kafka: events travel in clear to ${remote.join(', ')} (no kafka.ssl; ${auth})`],
        }
      : { status: 'pass', lines: [`Kafka: plaintext to loopback brokers ${brokers} (${auth})`] }
  }
  const tls = `TLS${kafka.mutualTls ? ' with a client certificate' : ''}`
  return kafka.verifiesCertificates
    ? { status: 'pass', lines: [`Kafka: ${tls} to ${brokers}, broker certificates verified; ${auth}`] }
    : {
        status: 'warn',
        lines: [
          `Kafka: ${tls} to ${brokers}, but broker certificates are not verified (kafka.ssl.rejectUnauthorized: false); ${auth}`,
        ],
      }
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 }

export function storageEncryptionCheck(facts: StorageEncryptionFacts, signingKeyId: string): Check {
  const store = storeVerdict(facts.store)
  const kafka = kafkaVerdict(facts.kafka)
  const status = RANK[store.status] >= RANK[kafka.status] ? store.status : kafka.status
  const storeText =
    store.status === 'pass'
      ? 'store encrypted at rest'
      : store.status === 'fail'
        ? 'store in clear'
        : 'store not verified'
  const kafkaText =
    kafka.status === 'pass'
      ? 'Kafka protected in transit'
      : kafka.status === 'fail'
        ? 'Kafka in clear'
        : 'Kafka TLS unverified'
  return {
    id: STORAGE_ENCRYPTION_CHECK,
    title: 'Audit data encrypted at rest and in transit (PCI DSS 3.5.1, 4.2.1; HIPAA 164.312(a)(2)(iv))',
    status,
    summary: `${storeText}; ${kafkaText}; report files signed, not encrypted`,
    evidence: [
      ...store.lines,
      ...kafka.lines,
      `Kafka at rest: the raw topic keeps events before redaction for ${facts.kafka.rawRetentionHours} h and the DLQ for ${facts.kafka.dlqRetentionHours} h on the brokers' disks, whose encryption is the brokers' own (not verified here)`,
      `report files: signed (manifest.json, Ed25519 key ${signingKeyId}), written in clear: keep the reports directory on an encrypted volume`,
    ],
  }
}
