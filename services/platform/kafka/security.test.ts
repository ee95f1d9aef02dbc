import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { KafkaSasl, KafkaSsl } from '../../../schemas/transport-security.js'
import { ConfigError, parseConfig } from '../config.js'
import { kafkaSecurityOptions } from './security.js'

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n'
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----\n'

describe('kafkaSecurityOptions', () => {
  it('passes nothing for plaintext brokers', () => {
    expect(kafkaSecurityOptions({})).toEqual({})
  })

  it('reads PEM files and takes inline PEM, verifying certificates unless told not to', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-kafka-tls-'))
    writeFileSync(path.join(dir, 'ca.pem'), CA)
    const ssl = KafkaSsl.parse({
      ca: path.join(dir, 'ca.pem'),
      cert: CA,
      key: KEY,
      servername: 'kafka.internal',
    })
    expect(kafkaSecurityOptions({ ssl })).toEqual({
      ssl: { rejectUnauthorized: true, ca: CA, cert: CA, key: KEY, servername: 'kafka.internal' },
    })
    expect(kafkaSecurityOptions({ ssl: KafkaSsl.parse({ rejectUnauthorized: false }) })).toEqual({
      ssl: { rejectUnauthorized: false },
    })
  })

  it('names the key of a missing or non-PEM file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-kafka-tls-'))
    writeFileSync(path.join(dir, 'not-pem.txt'), 'hello')
    const missing = KafkaSsl.parse({ ca: path.join(dir, 'absent.pem') })
    expect(() => kafkaSecurityOptions({ ssl: missing })).toThrow(ConfigError)
    expect(() => kafkaSecurityOptions({ ssl: missing })).toThrow(/kafka\.ssl\.ca is neither a PEM value/)
    const notPem = KafkaSsl.parse({ key: path.join(dir, 'not-pem.txt') })
    expect(() => kafkaSecurityOptions({ ssl: notPem })).toThrow(
      /kafka\.ssl\.key: .* does not hold a PEM value/,
    )
  })

  it('maps each SASL mechanism to kafkajs', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      const sasl = KafkaSasl.parse({ mechanism, username: 'audit', password: 'pw' })
      expect(kafkaSecurityOptions({ sasl })).toEqual({
        sasl: { mechanism, username: 'audit', password: 'pw' },
      })
    }
  })
})

describe('kafka.ssl and kafka.sasl in the configuration', () => {
  const brokers = ['kafka-1:9093']

  it('takes the SASL password from KAFKA_SASL_PASSWORD', () => {
    const config = parseConfig(
      { kafka: { brokers, sasl: { mechanism: 'scram-sha-512', username: 'audit' } } },
      { KAFKA_SASL_PASSWORD: 'from-env' },
    )
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'audit', password: 'from-env' })
  })

  it('refuses an unknown mechanism and security settings without kafka.brokers, naming the key', () => {
    expect(() =>
      parseConfig({ kafka: { brokers, sasl: { mechanism: 'gssapi', username: 'a', password: 'b' } } }),
    ).toThrow(/kafka\.sasl\.mechanism/)
    expect(() => parseConfig({ kafka: { ssl: {} } })).toThrow(
      /kafka\.ssl: applies to the brokers of kafka\.brokers/,
    )
  })
})
