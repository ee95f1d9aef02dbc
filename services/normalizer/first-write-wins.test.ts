import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../schemas/audit-row.js'
import type { StoredVersion } from '../platform/store/audit-events.js'
import { screenBatch } from './first-write-wins.js'
import { processEventMessage, type EventPipelineDeps } from './pipeline.js'
import { createRedactor } from './redaction/index.js'
import { DEFAULT_PAYLOAD_LIMITS } from './steps/redact.js'

const deps: EventPipelineDeps = {
  redactor: createRedactor({ hmacKey: 'first-write-wins-test-key-0123456789' }),
  limits: DEFAULT_PAYLOAD_LIMITS,
  retentionDays: () => 365,
}

/** A row as the normalizer stores it, from a gateway's event at a Kafka position. */
function row(eventId: string, status: 'success' | 'error', offset: number, tenant = 'acme'): AuditRow {
  const envelope = {
    v: 1,
    tenant_id: tenant,
    gateway: 'gw-eu-1',
    format: 'generic',
    received_at: new Date(Date.UTC(2026, 10, 24, 10, 0, offset)).toISOString(),
    event: {
      event_id: eventId,
      timestamp: '2026-11-24T09:59:00.000Z',
      method: 'tools/call',
      server: { name: 'crm' },
      tool: 'export_customers',
      status,
    },
  }
  const outcome = processEventMessage(
    { value: Buffer.from(JSON.stringify(envelope)), offset: String(offset) },
    0,
    deps,
  )
  if (outcome.kind !== 'ok') throw new Error(outcome.reason)
  return outcome.rows[0]!
}

const stored = (r: AuditRow, hash = r.content_hash): StoredVersion => ({
  tenant_id: r.tenant_id,
  event_id: r.event_id,
  content_hash: hash,
  source_partition: r.source_partition,
  source_offset: r.source_offset,
})

describe('screenBatch (first write wins)', () => {
  it('inserts ids not stored yet, the first occurrence in the batch only', () => {
    const first = row('e1', 'error', 1)
    const copy = row('e1', 'error', 2)
    const forged = row('e1', 'success', 3)
    const screening = screenBatch([first, copy, forged, row('e2', 'error', 4)], [])
    expect(screening.verdicts).toEqual(['insert', 'skip', 'skip', 'insert'])
    expect(screening.resent).toBe(1)
    expect(screening.conflicts).toEqual([
      expect.objectContaining({
        tenant_id: 'acme',
        event_id: 'e1',
        stored_hash: first.content_hash,
        received_hash: forged.content_hash,
        gateway: 'gw-eu-1',
        source_offset: 3,
      }),
    ])
  })

  it('skips a gateway re-sending a stored event unchanged, and records one with other content as a conflict', () => {
    const original = row('e1', 'error', 1)
    const screening = screenBatch([row('e1', 'error', 7), row('e1', 'success', 8)], [stored(original)])
    expect(screening.verdicts).toEqual(['skip', 'skip'])
    expect(screening.resent).toBe(1)
    expect(screening.conflicts.map((c) => [c.stored_hash, c.source_offset])).toEqual([
      [original.content_hash, 8],
    ])
  })

  it('hands a redelivered message (same Kafka position) on as replayed, without inserting it again', () => {
    const original = row('e1', 'error', 1)
    const screening = screenBatch([row('e1', 'error', 1)], [stored(original)])
    expect(screening.verdicts).toEqual(['replayed'])
    expect(screening).toMatchObject({ replayed: 1, resent: 0, conflicts: [] })
  })

  it('treats rows stored before content hashes as the same content', () => {
    const screening = screenBatch([row('e1', 'success', 9)], [stored(row('e1', 'error', 1), '')])
    expect(screening.verdicts).toEqual(['skip'])
    expect(screening.conflicts).toEqual([])
  })

  it("keeps tenants apart: another tenant's id is not a version of this one's", () => {
    const screening = screenBatch([row('e1', 'success', 2, 'acme')], [stored(row('e1', 'error', 1, 'other'))])
    expect(screening.verdicts).toEqual(['insert'])
  })
})
