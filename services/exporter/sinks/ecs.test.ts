import { describe, expect, it } from 'vitest'
import { storedEventFixture } from '../../../test/helpers/stored-event.js'
import { readyReportFixture, storedAlertFixture } from '../../../test/helpers/stored-notice.js'
import { toExportAlert, toExportEvent, toExportReport } from '../record.js'
import { ECS_VERSION, toEcs } from './ecs.js'

describe('the ECS mapping of an export record', () => {
  it('puts the values under ECS names, MCP-specific ones under mcp.*, and leaves absent values out', () => {
    const record = toExportEvent(
      storedEventFixture({ user_agent: 'claude/1.0', trace_id: '5b8efff798038103d269b633813fc60c' }),
    )
    const ecs = toEcs(record)
    expect(ecs).toMatchObject({
      '@timestamp': '2026-11-24T10:00:00.123Z',
      ecs: { version: ECS_VERSION },
      event: {
        id: record.id,
        kind: 'event',
        category: ['api'],
        type: ['access', 'allowed'],
        action: 'tools/call',
        outcome: 'success',
        duration: 12_500_000,
      },
      organization: { id: 'acme' },
      user: { id: 'u_5c2f', roles: ['mcp-developer'] },
      source: { ip: '10.1.2.3', address: '10.1.2.3' },
      user_agent: { original: 'claude/1.0' },
      service: { name: 'filesystem', version: '1.2.0' },
      trace: { id: '5b8efff798038103d269b633813fc60c' },
      related: { user: ['u_5c2f'], ip: ['10.1.2.3'] },
      gen_ai: { tool: { name: 'read_file' }, operation: { name: 'execute_tool' } },
      mcp: {
        method: { name: 'tools/call' },
        request: { id: '7' },
        redaction: { count: 3, findings: { EMAIL: 1, PHONE: 2 } },
        position: { partition: 2, offset: 1234 },
      },
    })
    expect(ecs).not.toHaveProperty('error')
    expect(ecs.mcp).not.toHaveProperty('session')
    expect(JSON.stringify(ecs)).not.toContain('null')
  })

  it('maps a denied call with its error to a failure of type denied', () => {
    const ecs = toEcs(
      toExportEvent(
        storedEventFixture({
          status: 'denied',
          decision: 'deny',
          error_class: 'denied',
          error_code: -32001,
          error_message: 'blocked by policy',
        }),
      ),
    )
    expect(ecs).toMatchObject({
      event: { outcome: 'failure', type: ['access', 'denied'] },
      error: { type: 'denied', code: '-32001', message: 'blocked by policy' },
    })
  })
})

describe('alerts and reports under ECS names', () => {
  it('maps an alert to event.kind alert with its rule and a numeric severity', () => {
    const alert = toExportAlert(storedAlertFixture({ severity: 'high' }), 'https://console.example')
    expect(toEcs(alert)).toMatchObject({
      '@timestamp': alert.time,
      event: { id: alert.id, kind: 'alert', severity: 73, dataset: 'mcp_audit.alerts' },
      rule: { id: 'mcp-audit-event-conflict' },
      organization: { id: 'acme' },
      mcp: { alert: { count: 2, group: { gateway: 'gw-eu-1' } } },
    })
  })

  it('maps a report with its manifest proof', () => {
    const report = toExportReport(readyReportFixture(), undefined)
    expect(toEcs(report)).toMatchObject({
      event: { id: report.id, kind: 'event', dataset: 'mcp_audit.reports' },
      mcp: { report: { manifest: { sha256: report.manifest.sha256 }, checks: report.checks } },
    })
  })
})
