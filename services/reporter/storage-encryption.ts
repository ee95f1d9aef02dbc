import type { AppConfig } from '../../schemas/config.js'
import type { Store } from '../platform/clickhouse.js'
import { queryTableStorage, type TableStorage } from '../platform/store/storage-disks.js'

/**
 * What protects the deployment's data at rest and in transit, as the running process finds it:
 * the store's disks as its engine reports them (system.disks, system.storage_policies), the Kafka
 * client settings this process connects with, and how report files are written. Never a claim
 * from a config comment.
 */

export interface StorageEncryptionFacts {
  store:
    | { mode: Store['mode']; location: string; verified: false; reason: string }
    | { mode: Store['mode']; location: string; verified: true; tables: TableStorage[] }
  kafka: {
    /** The configured brokers; empty when `start` runs its local broker (loopback, plaintext). */
    brokers: string[]
    tls: boolean
    verifiesCertificates: boolean
    mutualTls: boolean
    sasl: string | null
    /** Hours the raw topic and the DLQ keep events before redaction, on the brokers' disks. */
    rawRetentionHours: number
    dlqRetentionHours: number
  }
  /** Report files are signed (manifest.json, Ed25519) and written in clear. */
  reports: { signed: true; encrypted: false }
}

export async function collectStorageEncryption(
  store: Store,
  deployment: Pick<AppConfig, 'kafka'>,
): Promise<StorageEncryptionFacts> {
  const { mode, location } = store
  let storeFacts: StorageEncryptionFacts['store']
  try {
    storeFacts = { mode, location, verified: true, tables: await queryTableStorage(store) }
  } catch (err) {
    storeFacts = { mode, location, verified: false, reason: err instanceof Error ? err.message : String(err) }
  }
  const { brokers, ssl, sasl } = deployment.kafka
  return {
    store: storeFacts,
    kafka: {
      brokers: brokers ?? [],
      tls: ssl !== undefined,
      verifiesCertificates: ssl?.rejectUnauthorized ?? false,
      mutualTls: ssl?.cert !== undefined && ssl.key !== undefined,
      sasl: sasl?.mechanism ?? null,
      rawRetentionHours: deployment.kafka.rawRetentionHours,
      dlqRetentionHours: deployment.kafka.dlqRetentionHours,
    },
    reports: { signed: true, encrypted: false },
  }
}
