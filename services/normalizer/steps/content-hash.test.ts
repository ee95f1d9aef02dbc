import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { auditRow } from '../../../test/helpers/audit-row.js'
import { canonicalJson } from '../../platform/canonical-json.js'
import { addContentHash, contentHash, INGESTION_COLUMNS, type UnhashedRow } from './content-hash.js'

const base = auditRow({
  server_name: 'crm',
  tool: 'export_customers',
  arguments: '{}',
  arguments_bytes: 2,
  status: 'error',
  error_class: 'unknown_error',
  duration_ms: 12,
  attributes: { a: '1', b: '2' },
  source_offset: 41,
})

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

describe('contentHash bytes', () => {
  /** The definition: SHA-256 of the canonical JSON of a copy of the row without the ingestion columns. */
  const byDefinition = (row: UnhashedRow): string => {
    const copy: Record<string, unknown> = { ...row }
    for (const column of [...INGESTION_COLUMNS, 'content_hash']) delete copy[column]
    return createHash('sha256').update(canonicalJson(copy)).digest('hex')
  }

  it('hashes the bytes canonicalJson writes, whatever the key order, undefined and nested values', () => {
    const { content_hash: _stored, ...unhashed } = base
    const reversed = Object.fromEntries(Object.entries(unhashed).reverse()) as UnhashedRow
    const rows: UnhashedRow[] = [
      unhashed,
      reversed,
      unhashed,
      { ...unhashed, tool: 'say "hi"\n é 你好', attributes: { z: '1', a: '2' }, user_roles: ['b', 'a'] },
      { ...unhashed, duration_ms: undefined as unknown as number },
    ]
    for (const row of rows) expect(contentHash(row)).toBe(byDefinition(row))
    expect(contentHash(reversed)).toBe(contentHash(unhashed))
  })

  it('adds the hash to the row it is given', () => {
    const { content_hash: _stored, ...unhashed } = base
    const row = addContentHash(unhashed)
    expect(row).toBe(unhashed)
    expect(row.content_hash).toBe(byDefinition(unhashed))
  })
})
