import { describe, expect, it } from 'vitest'
import { splitConcatenatedJson } from '../../../test/helpers/splunk-hec.js'
import { toExportAlert, toExportEvent, toExportReport } from '../record.js'
import { storedEventFixture } from '../../../test/helpers/stored-event.js'
import { readyReportFixture, storedAlertFixture } from '../../../test/helpers/stored-notice.js'
import { hecBody, hecEndpoint, hecEvent } from './hec-format.js'

const sink = { source: 'mcp-audit', sourcetype: 'mcp:audit:event', index: 'mcp' }

describe('hecEndpoint', () => {
  it('adds the event path to a base URL and keeps a path that is given', () => {
    expect(hecEndpoint('https://splunk.example:8088')).toBe(
      'https://splunk.example:8088/services/collector/event',
    )
    expect(hecEndpoint('https://splunk.example:8088/services/collector')).toBe(
      'https://splunk.example:8088/services/collector',
    )
  })
})

describe('hecEvent', () => {
  it('puts the record in event, epoch seconds in time, the gateway in host and flat strings in fields', () => {
    const record = toExportEvent(storedEventFixture())
    const event = hecEvent(record, sink)
    expect(event).toMatchObject({
      time: 1795514400.123,
      host: 'gw-eu-1',
      source: 'mcp-audit',
      sourcetype: 'mcp:audit:event',
      index: 'mcp',
      event: record,
    })
    expect(event.fields).toEqual({
      tenant_id: 'acme',
      event_id: record.id,
      mcp_method: 'tools/call',
      mcp_server: 'filesystem',
      mcp_tool: 'read_file',
      status: 'success',
      user_id: 'u_5c2f',
      decision: 'allow',
      origin: 'gateway',
    })
  })

  it('leaves index out when the sink names none, so the token default applies', () => {
    expect(
      hecEvent(toExportEvent(storedEventFixture()), { source: 's', sourcetype: 't' }),
    ).not.toHaveProperty('index')
  })

  it('writes a batch as concatenated JSON objects, one per record', () => {
    const records = [storedEventFixture(), storedEventFixture({ event_id: 'e2', tool: '' })].map(
      toExportEvent,
    )
    const parsed = splitConcatenatedJson(hecBody(records, sink)) as Array<{
      event: { id: string }
      fields: object
    }>
    expect(parsed.map((event) => event.event.id)).toEqual([records[0]!.id, 'e2'])
    expect(parsed[1]!.fields).not.toHaveProperty('mcp_tool')
  })

  it('sends alerts and reports with their own sourcetype, mcp-audit as host and their ids as fields', () => {
    const alert = hecEvent(toExportAlert(storedAlertFixture(), 'https://audit.example.com'), sink)
    expect(alert).toMatchObject({ sourcetype: 'mcp:audit:alert', host: 'mcp-audit', time: 1795514401.25 })
    expect(alert.fields).toEqual({
      tenant_id: 'acme',
      alert_id: '9b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d',
      rule_id: 'mcp-audit-event-conflict',
      severity: 'high',
      status: 'open',
    })
    const report = hecEvent(toExportReport(readyReportFixture(), undefined), sink)
    expect(report).toMatchObject({ sourcetype: 'mcp:audit:report', host: 'mcp-audit', index: 'mcp' })
    expect(report.fields).toEqual({
      tenant_id: 'acme',
      report_id: 'rpt_20261123_a1b2c3d4e5',
      schedule: 'daily',
    })
  })
})
