import type { ReadyReport, StoredAlert } from '../../services/exporter/notice-read.js'

/** An alert and a ready report as the exporter reads them, for unit tests of records and formats. */

export function storedAlertFixture(overrides: Partial<StoredAlert> = {}): StoredAlert {
  return {
    alert_id: '9b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d',
    tenant_id: 'acme',
    rule_id: 'mcp-audit-event-conflict',
    rule_title: 'Audit event re-sent with different content (refused)',
    rule_kind: 'match',
    severity: 'high',
    tags: ['owasp-mcp:MCP08'],
    group_values: { tenant_id: 'acme', gateway: 'gw-eu-1' },
    count: 2,
    value: null,
    first_ms: Date.UTC(2026, 10, 24, 10, 0, 0),
    last_ms: Date.UTC(2026, 10, 24, 10, 5, 0),
    created_ms: Date.UTC(2026, 10, 24, 10, 0, 1, 250),
    sample_event_ids: ['e1', 'e2'],
    summary: 'Audit event re-sent with different content (refused): 2 event(s) for gateway=gw-eu-1',
    status: 'open',
    ...overrides,
  }
}

export function readyReportFixture(overrides: Partial<ReadyReport> = {}): ReadyReport {
  return {
    report_id: 'rpt_20261123_a1b2c3d4e5',
    tenant_id: 'acme',
    name: 'Daily audit',
    schedule: 'daily',
    period_from_ms: Date.UTC(2026, 10, 23),
    period_to_ms: Date.UTC(2026, 10, 24),
    timezone: 'Europe/Berlin',
    frameworks: ['soc2'],
    formats: ['pdf', 'json'],
    checks_pass: 10,
    checks_warn: 1,
    checks_fail: 0,
    manifest_sha256: 'a'.repeat(64),
    signature_key_id: '0123456789abcdef',
    signature: 'c2lnbmF0dXJl',
    ready_ms: Date.UTC(2026, 10, 24, 0, 2, 0),
    ...overrides,
  }
}
