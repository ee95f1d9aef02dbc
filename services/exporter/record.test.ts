import { describe, expect, it } from 'vitest'
import { ExportRecord } from '../../schemas/export-record.js'
import { toExportEvent } from './record.js'
import { storedEventFixture as storedEvent } from '../../test/helpers/stored-event.js'

describe('toExportEvent', () => {
  it('builds a record that the versioned export schema accepts, with absent values as null', () => {
    const record = toExportEvent(storedEvent())
    expect(ExportRecord.parse(record)).toEqual(record)
    expect(record).toMatchObject({
      schema: 'mcp-audit.export',
      v: 1,
      kind: 'event',
      id: '3f1c9a52-7c1e-4d7e-9a5b-0d6f5c1e2a11',
      time: '2026-11-24T10:00:00.123Z',
      mcp: { method: 'tools/call', server: { name: 'filesystem' }, tool: 'read_file', session_id: null },
      user: { id: 'u_5c2f', id_kind: 'pseudonym' },
      arguments: { excerpt: '{"path":"/data/[EMAIL]"}', bytes: 31, truncated: false },
      error: null,
      redaction: { findings: { EMAIL: 1, PHONE: 2 }, count: 3 },
      position: { partition: 2, offset: 1234 },
    })
    expect(record.client.version).toBeNull()
  })

  it('carries the error of a failed call', () => {
    const record = toExportEvent(
      storedEvent({
        status: 'error',
        error_class: 'tool_error',
        error_code: -32000,
        error_message: 'denied',
      }),
    )
    expect(record.error).toEqual({ class: 'tool_error', code: -32000, message: 'denied' })
    expect(ExportRecord.safeParse(record).success).toBe(true)
  })
})
