import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { contentHash } from './content-hash.js'

const base: Omit<AuditRow, 'content_hash'> = {
  tenant_id: 'acme',
  event_id: 'e1',
  schema_version: 1,
  occurred_at: '2026-11-24T10:00:00.000Z',
  received_at: '2026-11-24T10:00:00.100Z',
  ingested_at: '2026-11-24T10:00:00.200Z',
  gateway: 'gw-eu-1',
  gateway_format: 'generic',
  method: 'tools/call',
  server_name: 'crm',
  server_version: '',
  server_transport: '',
  tool: 'export_customers',
  resource_uri: '',
  prompt: '',
  session_id: '',
  request_id: '',
  trace_id: '',
  client_name: '',
  client_version: '',
  user_id: 'u1',
  user_id_kind: 'pseudonym',
  user_roles: [],
  auth_method: '',
  source_ip: '',
  user_agent: '',
  arguments: '{}',
  arguments_bytes: 2,
  arguments_truncated: false,
  result: '',
  result_bytes: 0,
  result_truncated: false,
  status: 'error',
  error_class: 'unknown_error',
  error_code: null,
  error_message: '',
  duration_ms: 12,
  decision: '',
  data_region: '',
  tls: null,
  attributes: { a: '1', b: '2' },
  redaction_findings: {},
  retention_until: '2027-11-24',
  source_partition: 0,
  source_offset: 41,
  origin: 'gateway',
}

describe('contentHash', () => {
  it('is the same for two deliveries of one event (other receipt, ingest time and Kafka position)', () => {
    const again = {
      ...base,
      received_at: '2026-11-24T10:05:00.000Z',
      ingested_at: '2026-11-24T10:05:01.000Z',
      source_partition: 2,
      source_offset: 9_000,
      retention_until: '2028-11-24',
      attributes: { b: '2', a: '1' },
    }
    expect(contentHash(again)).toBe(contentHash(base))
    expect(contentHash(base)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('differs when anything the event says differs', () => {
    for (const change of [
      { status: 'success' as const },
      { arguments: '{"q":1}' },
      { occurred_at: '2026-11-24T10:00:00.001Z' },
      { gateway: 'gw-us-1' },
      { origin: 'self' as const },
      { attributes: { a: '1', b: '3' } },
    ]) {
      expect(contentHash({ ...base, ...change }), JSON.stringify(change)).not.toBe(contentHash(base))
    }
  })
})
