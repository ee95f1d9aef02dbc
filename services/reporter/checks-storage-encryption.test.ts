import { describe, expect, it } from 'vitest'
import { storageEncryptionCheck } from './checks-storage-encryption.js'
import { reportText } from './i18n/index.js'
import type { StorageEncryptionFacts } from './storage-encryption.js'

const encryptedDisk = { name: 'mcp_audit_encrypted', type: 'Local', encrypted: true }
const clearDisk = { name: 'default', type: 'Local', encrypted: false }

function facts(overrides: {
  store?: StorageEncryptionFacts['store']
  kafka?: Partial<StorageEncryptionFacts['kafka']>
}): StorageEncryptionFacts {
  return {
    store: overrides.store ?? {
      mode: 'embedded',
      location: '/data/clickhouse',
      verified: true,
      tables: [
        { table: 'audit_events', policy: 'default', disks: [encryptedDisk] },
        { table: 'alerts', policy: 'default', disks: [encryptedDisk] },
      ],
    },
    kafka: {
      brokers: [],
      tls: false,
      verifiesCertificates: false,
      mutualTls: false,
      sasl: null,
      rawRetentionHours: 72,
      dlqRetentionHours: 168,
      ...overrides.kafka,
    },
    reports: { signed: true, encrypted: false },
  }
}

const check = (f: StorageEncryptionFacts) => storageEncryptionCheck(f, 'key-1', reportText('en'))

describe('storage-encryption', () => {
  it('passes an encrypted store with the local broker, and says report files are not encrypted', () => {
    const result = check(facts({}))
    expect(result.status).toBe('pass')
    expect(result.evidence).toEqual([
      'embedded store (/data/clickhouse): all 2 tables on encrypted disks (mcp_audit_encrypted), as the engine reports them',
      'Kafka: the local broker of `start`, on loopback only (plaintext)',
      "Kafka at rest: the raw topic keeps events before redaction for 72 h and the DLQ for 168 h on the brokers' disks, whose encryption is the brokers' own (not verified here)",
      'report files: signed (manifest.json, Ed25519 key key-1), written in clear: keep the reports directory on an encrypted volume',
    ])
  })

  it('fails when a table can be written in clear, naming it and its disks', () => {
    const result = check(
      facts({
        store: {
          mode: 'server',
          location: 'https://ch:8443/',
          verified: true,
          tables: [
            { table: 'audit_events', policy: 'tiered', disks: [encryptedDisk, clearDisk] },
            { table: 'alerts', policy: 'secure', disks: [encryptedDisk] },
          ],
        },
      }),
    )
    expect(result.status).toBe('fail')
    expect(result.summary).toMatch(/^store in clear;/)
    expect(result.evidence).toContain(
      'audit_events: policy tiered, disks mcp_audit_encrypted (encrypted), default (clear)',
    )
  })

  it('warns when the engine could not be asked', () => {
    const store = {
      mode: 'server' as const,
      location: 'https://ch/',
      verified: false as const,
      reason: 'ACCESS_DENIED',
    }
    expect(check(facts({ store })).status).toBe('warn')
  })

  it('fails plaintext to remote brokers, passes loopback, warns on unverified TLS', () => {
    expect(check(facts({ kafka: { brokers: ['kafka-1:9092'] } })).status).toBe('fail')
    expect(check(facts({ kafka: { brokers: ['127.0.0.1:9092', 'localhost:9093'] } })).status).toBe('pass')
    const tls = { brokers: ['kafka-1:9093'], tls: true, sasl: 'scram-sha-512' }
    expect(check(facts({ kafka: { ...tls, verifiesCertificates: true } })).evidence[1]).toBe(
      'Kafka: TLS to kafka-1:9093, broker certificates verified; SASL scram-sha-512',
    )
    expect(check(facts({ kafka: { ...tls, verifiesCertificates: false } })).status).toBe('warn')
  })
})
