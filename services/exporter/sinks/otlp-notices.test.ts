import { describe, expect, it } from 'vitest'
import { readyReportFixture, storedAlertFixture } from '../../../test/helpers/stored-notice.js'
import { toExportAlert, toExportReport } from '../record.js'
import { otlpRequest } from './otlp-format.js'
import type { LogRecord } from './otlp-values.js'

const attribute = (record: LogRecord, key: string) => record.attributes.find((kv) => kv.key === key)?.value

describe('alerts and reports as OTLP log records', () => {
  it('maps an alert with its id as log.record.uid, its severity on the OTLP scale and its group', () => {
    const alert = toExportAlert(storedAlertFixture({ severity: 'critical' }), 'https://console.example')
    const [resource] = otlpRequest([alert]).resourceLogs
    const record = resource!.scopeLogs[0]!.logRecords[0]!
    expect(record.eventName).toBe('mcp.audit.alert')
    expect(record).toMatchObject({ severityNumber: 21, severityText: 'FATAL' })
    expect(attribute(record, 'log.record.uid')).toEqual({ stringValue: alert.id })
    expect(attribute(record, 'mcp_audit.rule.id')).toEqual({ stringValue: 'mcp-audit-event-conflict' })
    expect(attribute(record, 'mcp_audit.alert.group.gateway')).toEqual({ stringValue: 'gw-eu-1' })
    expect(record.timeUnixNano).toBe(String(BigInt(Date.parse(alert.time)) * 1_000_000n))
    expect(record.body.stringValue).toContain('critical alert mcp-audit-event-conflict')
  })

  it('maps a report with its manifest proof and its checks; failed checks make it WARN', () => {
    const report = toExportReport(readyReportFixture(), undefined)
    const record = otlpRequest([report]).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
    expect(record.eventName).toBe('mcp.audit.report')
    expect(attribute(record, 'log.record.uid')).toEqual({ stringValue: report.id })
    expect(attribute(record, 'mcp_audit.report.manifest.sha256')).toEqual({
      stringValue: report.manifest.sha256,
    })
    expect(attribute(record, 'mcp_audit.report.checks.fail')).toEqual({
      intValue: String(report.checks.fail),
    })
    expect(record.severityText).toBe(report.checks.fail > 0 ? 'WARN' : 'INFO')
  })
})
