import type { IntegrityFacts } from '../../services/reporter/checks.js'
import type { Locale } from '../../schemas/locale.js'
import { DEFAULT_TOOL_GLOBS } from '../../schemas/rbac.js'
import { periodLabel } from '../../services/reporter/document.js'
import { reportText } from '../../services/reporter/i18n/index.js'
import type { UserAction } from '../../services/reporter/access.js'
import type { ActivitySummary, AuditTrailFacts, RankedRow, ReportData } from '../../services/reporter/data.js'

/**
 * Report figures of known content, without a store: one healthy tenant and one where every check
 * takes its failing or warning branch. Unit tests render them to compare languages and layouts.
 */

const summary = (scale: number): ActivitySummary => ({
  calls: 12_480 * scale,
  users: 37 * scale,
  clients: 4,
  servers: 6,
  failures: 311 * scale,
  toolErrors: 200 * scale,
  protocolErrors: 41 * scale,
  denials: 52 * scale,
  timeouts: 18 * scale,
  errorRate: 311 / 12_480,
})

const ranked = (names: string[]): RankedRow[] =>
  names.map((name, i) => ({ name, calls: 4000 - i * 700, failures: 90 - i * 11 }))

/** A developer deleted a record, which needs write: the gateway let it through. */
const misuse: UserAction = {
  user: 'u_7f3a9c',
  userKind: 'user',
  roles: ['mcp-developer'],
  method: 'tools/call',
  tool: 'db_delete_record',
  permission: 'write',
  calls: 4,
  succeeded: 3,
  denied: 1,
  errors: 0,
  verdict: 'not_permitted',
}

const seal = (seq: number, digest: string) => ({
  tenantId: 'acme',
  partition: 2,
  epoch: 0,
  seq,
  sealHash: `${digest.slice(0, 1)}${'f'.repeat(63)}`,
  digest,
  sealedAt: `2026-11-01T0${seq}:00:00.000Z`,
  rowCount: seq === 0 ? 1 : 4200,
  keyId: 'sealkey01',
})

function trail(troubled: boolean): AuditTrailFacts {
  return {
    verified: true,
    keyId: 'sealkey01',
    seals: 3,
    rows: 12_480,
    expired: troubled ? 1 : 0,
    problems: troubled
      ? [
          {
            kind: 'changed',
            seal: seal(1, 'c'.repeat(64)),
            eventIds: ['evt-1', 'evt-2'],
            count: 2,
            detail: 'row digest differs from the sealed leaf',
          },
          { kind: 'added', eventIds: ['evt-9'], count: 1, detail: 'row not covered by any seal' },
        ]
      : [],
    firstSeal: seal(0, 'a'.repeat(64)),
    lastSeal: seal(2, 'b'.repeat(64)),
  }
}

export function sampleReportData(troubled = false, locale: Locale = 'en'): ReportData {
  const from = new Date('2026-10-31T16:00:00.000Z')
  const to = new Date('2026-11-01T16:00:00.000Z')
  return {
    reportId: 'rpt_20261101_0123456789',
    name: locale === 'en' ? 'Monthly compliance report' : '月度合规审计报告',
    tenant: {
      id: 'acme',
      timezone: 'Asia/Shanghai',
      frameworks: ['pci-dss', 'soc2', 'iso27001', 'hipaa', 'gdpr', 'nist-800-53', 'eu-ai-act'],
      retention: { minDays: 365, maxDays: troubled ? 200 : 2555, hotDays: troubled ? 30 : 90 },
    },
    period: {
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-01T16:00:00.000Z',
      timezone: 'Asia/Shanghai',
      label: periodLabel(from, to, 'Asia/Shanghai', reportText(locale)),
    },
    previousPeriod: { from: '2026-10-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' },
    generatedAt: '2026-11-02T06:00:00.000Z',
    generatedBy: 'scheduler',
    signingKeyId: 'signkey0123456789',
    maxIngestedAt: '2026-11-01T15:59:58.000Z',
    summary: summary(1),
    previous: troubled ? { ...summary(0), errorRate: 0 } : summary(2),
    tops: {
      tools: { byVolume: ranked(['读取文件', 'write_file', 'search']), byFailures: ranked(['run_query']) },
      servers: { byVolume: ranked(['文件服务器', 'github']), byFailures: ranked(['postgres']) },
      clients: { byVolume: ranked(['claude-desktop', 'cursor']), byFailures: [] },
      users: { byVolume: ranked(['u_3f2a9c', 'u_77be01']), byFailures: ranked(['u_3f2a9c']) },
    },
    latency: [
      { server: '文件服务器', calls: 6000, p50: 12.5, p95: 80, p99: 240 },
      { server: 'github', calls: 4000, p50: 150, p95: 900, p99: 2400 },
    ],
    volume: {
      granularity: 'hour',
      buckets: Array.from({ length: 24 }, (_, h) => ({
        label: `2026-11-01 ${String(h).padStart(2, '0')}:00`,
        calls: 400 + ((h * 37) % 200),
        failures: (h * 7) % 20,
      })),
    },
    security: {
      alertsBySeverity: [
        { key: 'critical', label: 'critical', alerts: troubled ? 2 : 0, events: troubled ? 9 : 0 },
        { key: 'high', label: 'high', alerts: 3, events: 14 },
        { key: 'medium', label: 'medium', alerts: 5, events: 40 },
      ],
      alertsByRule: [{ key: 'path-traversal', label: 'Path traversal in arguments', alerts: 3, events: 14 }],
      alertsByStatus: [
        { key: 'open', label: 'open', alerts: troubled ? 4 : 1, events: 10 },
        { key: 'resolved', label: 'resolved', alerts: 7, events: 44 },
      ],
      incidents: [
        {
          alertId: 'alr_01',
          severity: troubled ? 'critical' : 'medium',
          rule: 'path-traversal',
          title: 'Path traversal in arguments',
          status: troubled ? 'open' : 'resolved',
          count: 14,
          firstSeen: '2026-11-01T03:12:00.000Z',
          lastSeen: '2026-11-01T03:40:00.000Z',
          summary: 'read_file on 文件服务器 by u_3f2a9c',
        },
      ],
      redaction: [
        { type: 'email', findings: 420, events: 380 },
        { type: 'cn_mobile', findings: 35, events: 30 },
      ],
      auth: troubled
        ? [
            { method: 'oauth2', calls: 11_000, share: 11_000 / 12_480 },
            { method: 'none', calls: 1480, share: 1480 / 12_480 },
          ]
        : [{ method: 'oauth2', calls: 12_480, share: 1 }],
      unauthenticatedCalls: troubled ? 1480 : 0,
    },
    compliance: {
      retention: {
        oldestEvent: troubled ? '2025-01-01T00:00:00.000Z' : '2020-01-01T00:00:00.000Z',
        newestEvent: '2026-11-01T15:59:00.000Z',
        storedEvents: 3_400_000,
        minKeepDays: troubled ? 200 : 2555,
        maxKeepDays: troubled ? 200 : 2555,
        eventsBelowRequired: troubled ? 3_400_000 : 0,
        eventsBeyondMaximum: troubled ? 12 : 0,
        ttlClause: 'retention_until DELETE',
      },
      completeness: {
        gateways: ['gw-bj-1', 'gw-sh-2'],
        hoursChecked: 24,
        receiptsAccepted: 12_500,
        storedWithReceipts: troubled ? 12_480 : 12_500,
        shortfalls: troubled
          ? Array.from({ length: 14 }, (_, h) => ({
              gateway: 'gw-bj-1',
              hour: `2026-11-01 ${String(h).padStart(2, '0')}:00`,
              accepted: 100,
              stored: 98,
            }))
          : [],
        silent: troubled
          ? [{ gateway: 'gw-sh-2', from: '2026-11-01 10:00', to: '2026-11-01 12:00', hours: 2 }]
          : [],
        lagP50Ms: 800,
        lagP95Ms: troubled ? 4_000_000 : 2000,
        lagMaxMs: troubled ? 5_000_000 : 4000,
        futureEvents: troubled ? 3 : 0,
      },
      residency: {
        allowedRegions: ['cn-north-1'],
        unknownWarnShare: 0.01,
        calls: 12_480,
        unknownCalls: troubled ? 200 : 0,
        regions: troubled
          ? [
              { region: 'cn-north-1', calls: 12_000 },
              { region: 'us-east-1', calls: 280 },
            ]
          : [{ region: 'cn-north-1', calls: 12_480 }],
        unknownServers: troubled ? [{ server: 'mcpx-hub', calls: 200 }] : [],
        outsideCalls: troubled ? 280 : 0,
        outside: troubled
          ? [{ server: 'crm-us', tool: 'crm_update_contact', region: 'us-east-1', calls: 280 }]
          : [],
      },
      transport: {
        calls: 12_480,
        tlsCalls: troubled ? 12_000 : 12_480,
        plaintextCalls: troubled ? 280 : 0,
        unknownCalls: troubled ? 200 : 0,
        plaintextServers: troubled
          ? [
              { server: 'legacy-erp', calls: 200, nonLoopbackCalls: 200 },
              { server: 'local-fs', calls: 50, nonLoopbackCalls: 0 },
              { server: 'dev-proxy', calls: 30, nonLoopbackCalls: 10 },
            ]
          : [],
        unknownServers: troubled ? [{ server: 'mcpx-hub', calls: 200 }] : [],
      },
      recordContent: {
        events: 12_480,
        complete: troubled ? 11_000 : 12_480,
        share: troubled ? 11_000 / 12_480 : 1,
        fields: [
          { field: 'user', present: troubled ? 11_000 : 12_480, share: troubled ? 11_000 / 12_480 : 1 },
          { field: 'outcome', present: 12_480, share: 1 },
        ],
      },
      review: [
        {
          at: '2026-10-30T08:00:00.000Z',
          actor: 'admin-token',
          action: 'report.download',
          resource: 'report:rpt_1/report.pdf',
        },
      ],
      auditTrail: trail(troubled),
      storageEncryption: {
        store: {
          mode: 'embedded',
          location: '/var/lib/mcp-audit/clickhouse',
          verified: true,
          tables: [
            {
              table: 'audit_events',
              policy: 'default',
              disks: [{ name: 'encrypted', type: 'Local', encrypted: !troubled }],
            },
          ],
        },
        kafka: {
          brokers: troubled ? ['kafka-1.internal:9093'] : [],
          tls: troubled,
          verifiesCertificates: false,
          mutualTls: troubled,
          sasl: troubled ? 'scram-sha-512' : null,
          rawRetentionHours: 72,
          dlqRetentionHours: 168,
        },
        reports: { signed: true, encrypted: false },
      },
    },
    access: {
      roleMap: [{ role: 'mcp-developer', permissions: ['read', 'execute'] }],
      toolGlobs: DEFAULT_TOOL_GLOBS,
      calls: 12_480,
      withoutKnownRole: troubled ? 40 : 0,
      notPermitted: troubled ? 3 : 0,
      roles: troubled
        ? [
            {
              role: 'mcp-developer',
              permissions: ['read', 'execute'],
              inMap: true,
              calls: 12_440,
              denied: 12,
              errors: 30,
              notPermitted: 3,
            },
            {
              role: 'contractor',
              permissions: [],
              inMap: false,
              calls: 40,
              denied: 0,
              errors: 1,
              notPermitted: 0,
            },
          ]
        : [],
      privileged: troubled ? [misuse] : [],
      misuse: troubled ? [misuse] : [],
      truncated: troubled,
    },
  }
}

export function sampleIntegrity(troubled = false): IntegrityFacts {
  return {
    keyId: 'signkey0123456789',
    previous: troubled
      ? [
          { reportId: 'rpt_1', ok: true, problems: [] },
          { reportId: 'rpt_2', ok: false, problems: ['report.pdf was changed'] },
        ]
      : [{ reportId: 'rpt_1', ok: true, problems: [] }],
  }
}
