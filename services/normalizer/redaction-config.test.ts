import { describe, expect, it } from 'vitest'
import { parseConfig } from '../platform/config.js'
import { createRedactor } from './redaction/index.js'
import { redactionConfigFrom } from './redaction-config.js'
import { DEFAULT_PAYLOAD_LIMITS, payloadLimits, redactEvent } from './steps/redact.js'
import type { NormalizedEvent } from './steps/normalize.js'

const hmacKey = 'redaction-config-test-key-0123456789'

describe('the normalizer settings from the app config', () => {
  it('keeps the ids of pseudonymization.serviceAccounts in clear, prefixes included', () => {
    const config = parseConfig({ pseudonymization: { serviceAccounts: ['ci-bot', 'svc-*'] } })
    const redactor = createRedactor(redactionConfigFrom(config, hmacKey))
    expect(redactor.pseudonymizeUser('ci-bot')).toEqual({ value: 'ci-bot', kind: 'service_account' })
    expect(redactor.pseudonymizeUser('svc-backup')).toEqual({ value: 'svc-backup', kind: 'service_account' })
    expect(redactor.pseudonymizeUser('alice@example.com').kind).toBe('pseudonym')
  })

  it('sizes the stored excerpts by normalizer.argumentsMaxBytes and normalizer.resultMaxBytes', () => {
    const config = parseConfig({ normalizer: { argumentsMaxBytes: 1024, resultMaxBytes: 512 } })
    const limits = payloadLimits(config.normalizer)
    expect(limits).toMatchObject({ argumentsMaxBytes: 1024, resultMaxBytes: 512 })
    const big = { lines: Array.from({ length: 400 }, (_, i) => `line ${i}`) }
    // Only the clear payload matters to the redact step; the row's other columns pass through.
    const event: NormalizedEvent = {
      row: {} as NormalizedEvent['row'],
      clear: {
        tool: 'read_file',
        prompt: '',
        sessionId: '',
        requestId: '',
        traceId: '',
        clientName: '',
        userId: 'alice@example.com',
        sourceIp: null,
        userAgent: null,
        resourceUri: null,
        arguments: big,
        result: big,
        errorMessage: null,
        attributes: {},
      },
    }
    const row = redactEvent(event, createRedactor(redactionConfigFrom(config, hmacKey)), limits)
    expect(Buffer.byteLength(row.arguments)).toBeLessThanOrEqual(1024)
    expect(Buffer.byteLength(row.result)).toBeLessThanOrEqual(512)
    expect(row.arguments_truncated).toBe(true)
  })

  it('gives rule tests and fixtures the limits the normalizer runs with by default', () => {
    expect(DEFAULT_PAYLOAD_LIMITS).toEqual(payloadLimits(parseConfig({}).normalizer))
    expect(DEFAULT_PAYLOAD_LIMITS).toMatchObject({ argumentsMaxBytes: 16_384, resultMaxBytes: 8_192 })
  })
})
