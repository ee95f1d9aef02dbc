import { describe, expect, it } from 'vitest'
import type { RawEnvelope } from '../../../schemas/raw-envelope.js'
import { loadSecretsCorpus } from '../redaction/fixtures.js'
import { createRedactor } from '../redaction/index.js'
import { normalizeEnvelope, type ClearPayload, type NormalizedEvent } from './normalize.js'
import { DEFAULT_PAYLOAD_LIMITS, redactEvent, type PayloadLimits } from './redact.js'

const hmacKey = 'redact-step-key-0123456789'
const redactor = createRedactor({ hmacKey, serviceAccounts: ['svc-*'] })

const envelope: RawEnvelope = {
  v: 1,
  tenant_id: 'acme',
  gateway: 'gw',
  format: 'generic',
  received_at: '2026-11-24T10:00:01.000Z',
  event: {
    timestamp: '2026-11-24T10:00:00Z',
    method: 'tools/call',
    server: { name: 'crm' },
    tool: 'add_note',
    event_id: 'e1',
  },
}

const EMPTY_CLEAR: ClearPayload = {
  tool: '',
  prompt: '',
  sessionId: '',
  requestId: '',
  traceId: '',
  clientName: '',
  userId: null,
  sourceIp: null,
  userAgent: null,
  resourceUri: null,
  arguments: undefined,
  result: undefined,
  errorMessage: null,
  attributes: {},
}

/** A normalized event with the given clear-text fields (the rest of the row as normalize makes it). */
function normalized(clear: Partial<ClearPayload>): NormalizedEvent {
  const outcome = normalizeEnvelope(envelope, {
    partition: 0,
    offset: 1,
    retentionDays: () => 365,
    now: () => new Date('2026-11-24T10:00:02Z'),
  })
  if (outcome.kind !== 'ok') throw new Error(`fixture envelope did not normalize: ${outcome.reason}`)
  return { row: outcome.value.row, clear: { ...EMPTY_CLEAR, ...clear } }
}

function redact(clear: Partial<ClearPayload>, limits: PayloadLimits = DEFAULT_PAYLOAD_LIMITS) {
  return redactEvent(normalized(clear), redactor, limits)
}

const PSEUDONYM = /^[0-9a-f]{16}$/
const EMAIL = 'alice.smith@example.com'
const CARD = '4111 1111 1111 1111'

describe('redactEvent', () => {
  it('keeps the normalized columns and stores empty redacted columns for absent fields', () => {
    const event = normalized({})
    const row = redactEvent(event, redactor, DEFAULT_PAYLOAD_LIMITS)
    expect(row).toMatchObject(event.row)
    expect(row).toMatchObject({
      tool: '',
      prompt: '',
      session_id: '',
      request_id: '',
      trace_id: '',
      client_name: '',
      user_id: '',
      user_id_kind: 'none',
      source_ip: '',
      user_agent: '',
      resource_uri: '',
      arguments: '',
      arguments_bytes: 0,
      arguments_truncated: false,
      result: '',
      result_bytes: 0,
      result_truncated: false,
      error_message: '',
      attributes: {},
      redaction_findings: {},
    })
  })

  it('stores the user id as a keyed pseudonym, and allow-listed service accounts in clear', () => {
    const row = redact({ userId: EMAIL })
    expect(row.user_id).toMatch(PSEUDONYM)
    expect(row.user_id_kind).toBe('pseudonym')
    expect(redact({ userId: EMAIL }).user_id).toBe(row.user_id)
    const otherKey = createRedactor({ hmacKey: 'another-key-0123456789' })
    expect(redactEvent(normalized({ userId: EMAIL }), otherKey, DEFAULT_PAYLOAD_LIMITS).user_id).not.toBe(
      row.user_id,
    )
    expect(redact({ userId: 'svc-reporter' })).toMatchObject({
      user_id: 'svc-reporter',
      user_id_kind: 'service_account',
    })
  })

  it('stores the session id as a keyed pseudonym: the same session groups, the clear id is gone', () => {
    const sessionId = 'c2Vzc2lvbi1hYmM-4c0d2f7e-9b1a-4e55-8a63-3f1f0f7d2c90'
    const row = redact({ sessionId })
    expect(row.session_id).toMatch(PSEUDONYM)
    expect(JSON.stringify(row)).not.toContain(sessionId)
    expect(redact({ sessionId }).session_id).toBe(row.session_id)
    expect(redact({ sessionId: `${sessionId}-2` }).session_id).not.toBe(row.session_id)
    // Its own key domain: a session id equal to a user id does not get the user's pseudonym.
    expect(redact({ sessionId: EMAIL }).session_id).not.toBe(redact({ userId: EMAIL }).user_id)
    const otherKey = createRedactor({ hmacKey: 'another-key-0123456789' })
    expect(redactEvent(normalized({ sessionId }), otherKey, DEFAULT_PAYLOAD_LIMITS).session_id).not.toBe(
      row.session_id,
    )
  })

  it('keeps clean tool, prompt, request, trace and client names exactly as they came', () => {
    const clean = {
      tool: 'github.create_pull_request',
      prompt: 'summarize-incident_v2',
      requestId: '42',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      clientName: 'claude-desktop',
    }
    const row = redact(clean)
    expect(row).toMatchObject({
      tool: clean.tool,
      prompt: clean.prompt,
      request_id: clean.requestId,
      trace_id: clean.traceId,
      client_name: clean.clientName,
      redaction_findings: {},
    })
  })

  it('redacts only what is found in tool, prompt, request, trace and client names', () => {
    const row = redact({
      tool: `notify ${EMAIL}`,
      prompt: `greet ${EMAIL}`,
      requestId: `req ${EMAIL}`,
      traceId: `trace ${EMAIL}`,
      clientName: `agent (${EMAIL})`,
    })
    const pseudonym = '\\[EMAIL:[0-9a-f]{16}\\]'
    expect(row.tool).toMatch(new RegExp(`^notify ${pseudonym}$`))
    expect(row.prompt).toMatch(new RegExp(`^greet ${pseudonym}$`))
    expect(row.request_id).toMatch(new RegExp(`^req ${pseudonym}$`))
    expect(row.trace_id).toMatch(new RegExp(`^trace ${pseudonym}$`))
    expect(row.client_name).toMatch(new RegExp(`^agent \\(${pseudonym}\\)$`))
    expect(row.redaction_findings).toEqual({ EMAIL: 5 })
  })

  it('hashes the source IP and redacts the user agent', () => {
    const row = redact({ sourceIp: '198.51.100.23', userAgent: `crm-agent/2.0 (owner ${EMAIL})` })
    expect(row.source_ip).toMatch(/^\[IP_ADDRESS:[0-9a-f]{16}\]$/)
    expect(row.user_agent).toMatch(/^crm-agent\/2\.0 \(owner \[EMAIL:[0-9a-f]{16}\]\)$/)
    expect(row.redaction_findings).toEqual({ IP_ADDRESS: 1, EMAIL: 1 })
  })

  it('decodes the resource URI before redacting it, and redacts a malformed one as it came', () => {
    const row = redact({
      resourceUri: 'crm://contacts?owner=alice.smith%40example.com&card=4111+1111+1111+1111',
    })
    expect(row.resource_uri).toMatch(
      /^crm:\/\/contacts\?owner=\[EMAIL:[0-9a-f]{16}\]&card=\[REDACTED:CREDIT_CARD\]$/,
    )
    expect(row.redaction_findings).toEqual({ EMAIL: 1, CREDIT_CARD: 1 })

    const malformed = redact({ resourceUri: `crm://contacts/%E0%A4%A/${EMAIL}` })
    expect(malformed.resource_uri).toMatch(/^crm:\/\/contacts\/%E0%A4%A\/\[EMAIL:[0-9a-f]{16}\]$/)
  })

  it('redacts arguments and result as JSON and records their original size', () => {
    const args = { note: `call ${EMAIL}`, password: 'hunter2-but-longer' }
    const result = { content: [{ type: 'text', text: `card on file: ${CARD}` }] }
    const row = redact({ arguments: args, result })
    expect(JSON.parse(row.arguments)).toEqual({
      note: expect.stringMatching(/^call \[EMAIL:[0-9a-f]{16}\]$/) as string,
      password: '[REDACTED:SENSITIVE_KEY]',
    })
    expect(JSON.parse(row.result)).toEqual({
      content: [{ type: 'text', text: 'card on file: [REDACTED:CREDIT_CARD]' }],
    })
    expect(row.arguments_bytes).toBe(Buffer.byteLength(JSON.stringify(args)))
    expect(row.result_bytes).toBe(Buffer.byteLength(JSON.stringify(result)))
    expect([row.arguments_truncated, row.result_truncated]).toEqual([false, false])
    expect(row.redaction_findings).toEqual({ EMAIL: 1, SENSITIVE_KEY: 1, CREDIT_CARD: 1 })
  })

  it('cuts the arguments and result excerpts to their own limits, as valid JSON, and says so', () => {
    const limits = { ...DEFAULT_PAYLOAD_LIMITS, argumentsMaxBytes: 300, resultMaxBytes: 400 }
    const big = { rows: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `row ${i}` })) }
    const row = redact({ arguments: big, result: big }, limits)
    expect(Buffer.byteLength(row.arguments)).toBeLessThanOrEqual(300)
    expect(Buffer.byteLength(row.result)).toBeLessThanOrEqual(400)
    expect(Buffer.byteLength(row.result)).toBeGreaterThan(Buffer.byteLength(row.arguments))
    expect(() => JSON.parse(row.arguments) as unknown).not.toThrow()
    expect(() => JSON.parse(row.result) as unknown).not.toThrow()
    expect([row.arguments_truncated, row.result_truncated]).toEqual([true, true])
    expect(row.arguments_bytes).toBe(Buffer.byteLength(JSON.stringify(big)))
  })

  it('cuts error messages, user agents, URIs and attribute values to the text limit on a character boundary', () => {
    const limits = { ...DEFAULT_PAYLOAD_LIMITS, textMaxBytes: 64 }
    const long = 'é'.repeat(100)
    const row = redact(
      { errorMessage: long, userAgent: long, resourceUri: long, attributes: { note: long } },
      limits,
    )
    for (const value of [row.error_message, row.user_agent, row.resource_uri, row.attributes.note!]) {
      expect(Buffer.byteLength(value)).toBeLessThanOrEqual(64)
      expect(value).toMatch(/^é+…$/)
    }
    expect(redact({ errorMessage: 'é'.repeat(32) }, limits).error_message).toBe('é'.repeat(32))
  })

  it('redacts attributes as one object, so sensitive key names count, and flattens them to strings', () => {
    const row = redact({
      attributes: { api_key: 'k-1234567890', region: 'eu-west-1', retries: 3, owner: { email: EMAIL } },
    })
    expect(row.attributes).toEqual({
      api_key: '[REDACTED:SENSITIVE_KEY]',
      region: 'eu-west-1',
      retries: '3',
      owner: expect.stringMatching(/^\{"email":"\[EMAIL:[0-9a-f]{16}\]"\}$/) as string,
    })
    expect(row.redaction_findings).toEqual({ SENSITIVE_KEY: 1, EMAIL: 1 })
  })

  it('keeps at most maxAttributes attributes', () => {
    const attributes = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, `v${i}`]))
    const row = redact({ attributes }, { ...DEFAULT_PAYLOAD_LIMITS, maxAttributes: 4 })
    expect(row.attributes).toEqual({ a0: 'v0', a1: 'v1', a2: 'v2', a3: 'v3' })
  })

  it('adds up the findings of every field', () => {
    const row = redact({
      sourceIp: '203.0.113.9',
      userAgent: EMAIL,
      resourceUri: `mailto:${EMAIL}`,
      arguments: { to: EMAIL },
      result: { text: EMAIL },
      errorMessage: `no mailbox ${EMAIL}`,
      attributes: { contact: EMAIL },
    })
    expect(row.redaction_findings).toEqual({ IP_ADDRESS: 1, EMAIL: 6 })
  })
})

describe('no planted value survives in any redacted column', () => {
  /** [label, the clear value, a text carrying it with the context its detector needs] */
  const planted: Array<[string, string, string]> = [
    ['EMAIL', EMAIL, EMAIL],
    ['CREDIT_CARD', CARD, CARD],
    ['IBAN', 'DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'],
    ['US_SSN', '460-89-9847', 'ssn 460-89-9847'],
    ['PHONE', '+49 151 23456789', 'call +49 151 23456789'],
    ...loadSecretsCorpus().positives.map((positive): [string, string, string] => [
      positive.type,
      positive.secret,
      positive.text,
    ]),
  ]

  it.each(planted)('%s: %s', (_type, value, text) => {
    const row = redact({
      tool: `tool ${text}`,
      prompt: `prompt ${text}`,
      sessionId: value,
      requestId: text,
      traceId: text,
      clientName: `client ${text}`,
      userId: value,
      sourceIp: text,
      userAgent: `agent/1.0 ${text}`,
      resourceUri: `crm://notes/${encodeURIComponent(text)}`,
      arguments: { note: text, nested: [{ text }] },
      result: { content: [{ type: 'text', text }] },
      errorMessage: `failed for ${text}`,
      attributes: { note: text },
    })
    const stored = JSON.stringify(row)
    expect(stored).not.toContain(value)
    expect(stored).not.toContain(JSON.stringify(value).slice(1, -1))
    expect(Object.values(row.redaction_findings).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0)
  })
})
