import { describe, expect, it } from 'vitest'
import { ExportRecord } from '../../schemas/export-record.js'
import { toExportAlert, toExportEvent, toExportReport } from './record.js'
import { storedEventFixture as storedEvent } from '../../test/helpers/stored-event.js'
import { readyReportFixture, storedAlertFixture } from '../../test/helpers/stored-notice.js'

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

describe('toExportAlert', () => {
  it('carries the alert webhook content, with the console link', () => {
    const record = toExportAlert(storedAlertFixture(), 'https://audit.example.com/')
    expect(ExportRecord.parse(record)).toEqual(record)
    expect(record).toMatchObject({
      kind: 'alert',
      id: '9b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d',
      time: '2026-11-24T10:00:01.250Z',
      rule: { id: 'mcp-audit-event-conflict', severity: 'high', kind: 'match', tags: ['owasp-mcp:MCP08'] },
      group: { tenant_id: 'acme', gateway: 'gw-eu-1' },
      count: 2,
      first_seen: '2026-11-24T10:00:00.000Z',
      last_seen: '2026-11-24T10:05:00.000Z',
      sample_event_ids: ['e1', 'e2'],
      status: 'open',
      url: 'https://audit.example.com/#/alerts/9b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d',
    })
  })
})

describe('toExportReport', () => {
  it('carries the notice, the frameworks and the signed manifest proof, with links under the public URL', () => {
    const record = toExportReport(readyReportFixture(), 'https://audit.example.com/console/')
    expect(ExportRecord.parse(record)).toEqual(record)
    expect(record).toMatchObject({
      kind: 'report',
      id: 'rpt_20261123_a1b2c3d4e5',
      time: '2026-11-24T00:02:00.000Z',
      period: { from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z', timezone: 'Europe/Berlin' },
      frameworks: ['soc2'],
      formats: ['pdf', 'json'],
      checks: { pass: 10, warn: 1, fail: 0 },
      manifest: {
        sha256: 'a'.repeat(64),
        signature: { algorithm: 'Ed25519', key_id: '0123456789abcdef', value: 'c2lnbmF0dXJl' },
      },
    })
    expect(record.links).toEqual({
      report: 'https://audit.example.com/console/api/v1/reports/rpt_20261123_a1b2c3d4e5',
      manifest: 'https://audit.example.com/console/api/v1/reports/rpt_20261123_a1b2c3d4e5/manifest',
      pdf: 'https://audit.example.com/console/api/v1/reports/rpt_20261123_a1b2c3d4e5/pdf',
      json: 'https://audit.example.com/console/api/v1/reports/rpt_20261123_a1b2c3d4e5/json',
    })
  })

  it('has no links without a public URL and no signature for a report made before signatures were stored', () => {
    const record = toExportReport(readyReportFixture({ signature: '', signature_key_id: '' }), undefined)
    expect(record.links).toEqual({})
    expect(record.manifest.signature).toBeNull()
    expect(ExportRecord.safeParse(record).success).toBe(true)
  })
})
