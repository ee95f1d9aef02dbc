import type { Check, CheckStatus } from './check.js'
import type { ReportText } from './i18n/index.js'
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

type Messages = ReportText['checks']['storage-encryption']

function storeVerdict(
  store: StorageEncryptionFacts['store'],
  m: Messages,
  text: ReportText,
): { status: CheckStatus; lines: string[] } {
  const { format } = text
  const where = { mode: text.term('storeMode', store.mode), location: store.location }
  if (!store.verified) {
    return { status: 'warn', lines: [format(m.storeNotVerified, { ...where, reason: store.reason })] }
  }
  const clear = store.tables.filter((table) => table.disks.some((disk) => !disk.encrypted))
  const describe = (table: (typeof store.tables)[number]) =>
    format(m.table, {
      table: table.table,
      policy: table.policy,
      disks: table.disks
        .map((disk) => format(m.disk, { name: disk.name, encrypted: disk.encrypted ? 'yes' : 'no' }))
        .join(text.report.common.itemSeparator),
    })
  if (store.tables.length === 0) {
    return { status: 'warn', lines: [format(m.storeNoTables, where)] }
  }
  if (clear.length > 0) {
    return {
      status: 'fail',
      lines: [
        format(m.storeClear, { ...where, clear: clear.length, tables: store.tables.length }),
        ...clear.slice(0, MAX_TABLES).map(describe),
        ...(clear.length > MAX_TABLES
          ? [format(m.moreTables, { n: String(clear.length - MAX_TABLES) })]
          : []),
      ],
    }
  }
  const disks = [...new Set(store.tables.flatMap((table) => table.disks.map((disk) => disk.name)))]
  return {
    status: 'pass',
    lines: [
      format(m.storeEncrypted, {
        ...where,
        tables: store.tables.length,
        disks: disks.join(text.report.common.itemSeparator),
      }),
    ],
  }
}

function kafkaVerdict(
  kafka: StorageEncryptionFacts['kafka'],
  m: Messages,
  text: ReportText,
): { status: CheckStatus; lines: string[] } {
  if (kafka.brokers.length === 0) return { status: 'pass', lines: [m.kafkaLocal] }
  const values = {
    brokers: kafka.brokers.join(text.report.common.itemSeparator),
    sasl: kafka.sasl ?? 'none',
    mutual: kafka.mutualTls ? 'yes' : 'no',
  }
  if (!kafka.tls) {
    const remote = kafka.brokers.filter((broker) => !isLoopback(broker))
    return remote.length > 0
      ? {
          status: 'fail',
          lines: [
            text.format(m.kafkaClear, { ...values, brokers: remote.join(text.report.common.itemSeparator) }),
          ],
        }
      : { status: 'pass', lines: [text.format(m.kafkaLoopback, values)] }
  }
  return kafka.verifiesCertificates
    ? { status: 'pass', lines: [text.format(m.kafkaVerified, values)] }
    : { status: 'warn', lines: [text.format(m.kafkaUnverified, values)] }
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 }

export function storageEncryptionCheck(
  facts: StorageEncryptionFacts,
  signingKeyId: string,
  text: ReportText,
): Check {
  const m = text.checks[STORAGE_ENCRYPTION_CHECK]
  const store = storeVerdict(facts.store, m, text)
  const kafka = kafkaVerdict(facts.kafka, m, text)
  const status = RANK[store.status] >= RANK[kafka.status] ? store.status : kafka.status
  return {
    id: STORAGE_ENCRYPTION_CHECK,
    title: m.title,
    status,
    summary: text.format(m.summary, { store: store.status, kafka: kafka.status }),
    evidence: [
      ...store.lines,
      ...kafka.lines,
      text.format(m.kafkaAtRest, {
        raw: String(facts.kafka.rawRetentionHours),
        dlq: String(facts.kafka.dlqRetentionHours),
      }),
      text.format(m.reportFiles, { key: signingKeyId }),
    ],
  }
}
