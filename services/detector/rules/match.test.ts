import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../../schemas/audit-row.js'
import { MatchRule, type Condition } from '../../../schemas/rules.js'
import { auditRow } from '../../../test/helpers/audit-row.js'
import { compileCondition, compileMatchRule, type RowLike } from './match.js'

const ROW: AuditRow = auditRow({
  server_version: '1.2.0',
  server_transport: 'stdio',
  tool: 'Read_File',
  session_id: 's-1',
  request_id: '7',
  client_name: 'claude-desktop',
  client_version: '1.4.0',
  user_id: 'u:3f2a',
  user_roles: ['mcp-developer', 'Admin'],
  auth_method: 'oauth2',
  source_ip: '10.1.2.3',
  arguments: '{"path":"../../etc/passwd"}',
  arguments_bytes: 28,
  duration_ms: 12.5,
  decision: 'allow',
  data_region: 'eu-west-1',
  tls: true,
  attributes: { local_hour: '07', team: 'payments' },
  redaction_findings: { AWS_ACCESS_KEY: 2, EMAIL: 1 },
  source_offset: 41,
})

const holds = (condition: Condition, row: RowLike = ROW) => compileCondition(condition)(row)

describe('compileCondition', () => {
  it('compares text ignoring case unless case_sensitive', () => {
    expect(holds({ field: 'tool', equals: 'read_file', case_sensitive: false })).toBe(true)
    expect(holds({ field: 'tool', equals: 'read_file', case_sensitive: true })).toBe(false)
    expect(holds({ field: 'tool', in: ['write_file', 'READ_FILE'], case_sensitive: false })).toBe(true)
    expect(holds({ field: 'tool', startswith: ['write', 'read'], case_sensitive: false })).toBe(true)
    expect(holds({ field: 'tool', endswith: '_File', case_sensitive: true })).toBe(true)
    expect(holds({ field: 'arguments', contains: 'ETC/PASSWD', case_sensitive: false })).toBe(true)
    expect(holds({ field: 'arguments', regex: '(\\.\\./){2,}', case_sensitive: false })).toBe(true)
    expect(holds({ field: 'tool', regex: '^read', case_sensitive: true })).toBe(false)
  })

  it('compares numbers numerically, also in text attributes', () => {
    expect(holds({ field: 'duration_ms', gt: 12, lte: 12.5, case_sensitive: false })).toBe(true)
    expect(holds({ field: 'duration_ms', equals: 12.5, case_sensitive: false })).toBe(true)
    expect(holds({ field: 'attributes.local_hour', lt: 8, case_sensitive: false })).toBe(true)
    expect(holds({ field: 'attributes.local_hour', equals: 7, case_sensitive: false })).toBe(true)
    expect(
      holds({ field: 'source_offset', equals: 41, case_sensitive: false }, { ...ROW, source_offset: '41' }),
    ).toBe(true)
    // Not a number: every comparison is false, and so is its negation's inner test.
    expect(holds({ field: 'attributes.team', gt: 0, case_sensitive: false })).toBe(false)
    expect(holds({ field: 'attributes.team', lte: 0, case_sensitive: false })).toBe(false)
  })

  it('reads map keys with ClickHouse defaults: absent attribute is empty, absent finding is 0', () => {
    expect(holds({ field: 'redaction_findings.AWS_ACCESS_KEY', gte: 1, case_sensitive: false })).toBe(true)
    expect(holds({ field: 'redaction_findings.GITHUB_TOKEN', gte: 1, case_sensitive: false })).toBe(false)
    expect(holds({ field: 'redaction_findings.GITHUB_TOKEN', equals: 0, case_sensitive: false })).toBe(true)
    expect(holds({ field: 'redaction_findings.GITHUB_TOKEN', exists: false, case_sensitive: false })).toBe(
      true,
    )
    expect(holds({ field: 'attributes.missing', exists: false, case_sensitive: false })).toBe(true)
    expect(holds({ field: 'attributes.missing', equals: '', case_sensitive: false })).toBe(true)
    expect(holds({ field: 'redaction_count', equals: 3, case_sensitive: false })).toBe(true)
  })

  it('treats null and empty as absent: comparisons false, exists false', () => {
    const row = { ...ROW, duration_ms: null, tls: null, auth_method: '' }
    expect(holds({ field: 'duration_ms', lt: 1000, case_sensitive: false }, row)).toBe(false)
    expect(holds({ not: { field: 'duration_ms', gte: 1000, case_sensitive: false } }, row)).toBe(true)
    expect(holds({ field: 'duration_ms', exists: false, case_sensitive: false }, row)).toBe(true)
    expect(holds({ field: 'tls', equals: false, case_sensitive: false }, row)).toBe(false)
    expect(holds({ field: 'auth_method', exists: false, case_sensitive: false }, row)).toBe(true)
    expect(holds({ field: 'tls', equals: true, case_sensitive: false })).toBe(true)
  })

  it('matches list columns on any element', () => {
    expect(holds({ field: 'user_roles', equals: 'admin', case_sensitive: false })).toBe(true)
    expect(holds({ field: 'user_roles', startswith: 'mcp-', case_sensitive: false })).toBe(true)
    expect(holds({ field: 'user_roles', equals: 'auditor', case_sensitive: false })).toBe(false)
    expect(
      holds({ field: 'user_roles', exists: false, case_sensitive: false }, { ...ROW, user_roles: [] }),
    ).toBe(true)
  })

  it('matches IPv4 and IPv6 networks, and never a hashed placeholder', () => {
    const cidr = (source_ip: string, networks: string[]) =>
      holds({ field: 'source_ip', cidr: networks, case_sensitive: false }, { ...ROW, source_ip })
    expect(cidr('10.1.2.3', ['192.168.0.0/16', '10.0.0.0/8'])).toBe(true)
    expect(cidr('11.1.2.3', ['10.0.0.0/8'])).toBe(false)
    expect(cidr('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true)
    expect(cidr('10.1.2.3:51234', ['10.1.2.0/24'])).toBe(true)
    expect(cidr('2001:db8:0:1::42', ['2001:db8::/32'])).toBe(true)
    expect(cidr('[2001:db9::1]', ['2001:db8::/32'])).toBe(false)
    expect(cidr('fe80::1%eth0', ['fe80::/10'])).toBe(true)
    expect(cidr('[IP_ADDRESS:9c1f0e2ab3d4c5e6]', ['0.0.0.0/0', '::/0'])).toBe(false)
  })

  it('combines all, any and not', () => {
    const condition: Condition = {
      all: [
        { field: 'method', equals: 'tools/call', case_sensitive: false },
        {
          any: [
            { field: 'status', equals: 'denied', case_sensitive: false },
            { field: 'tool', contains: 'read', case_sensitive: false },
          ],
        },
        { not: { field: 'server_name', in: ['github'], case_sensitive: false } },
      ],
    }
    expect(holds(condition)).toBe(true)
    expect(holds(condition, { ...ROW, server_name: 'github' })).toBe(false)
  })
})

describe('compileMatchRule', () => {
  const rule = MatchRule.parse({
    id: 'sensitive-read',
    title: 'Sensitive read',
    severity: 'high',
    match: { field: 'arguments', contains: '/etc/passwd' },
    exceptions: [{ field: 'user_roles', equals: 'admin' }],
  })

  it('honours exceptions and enabled', () => {
    expect(compileMatchRule(rule)(ROW)).toBe(false)
    expect(compileMatchRule(rule)({ ...ROW, user_roles: ['dev'] })).toBe(true)
    expect(compileMatchRule({ ...rule, enabled: false })({ ...ROW, user_roles: ['dev'] })).toBe(false)
  })

  it('refuses windowed rules', () => {
    const { match: _match, ...metadata } = rule
    const windowed = {
      ...metadata,
      absence: {
        group_by: ['tenant_id'],
        window: 900,
        history: 86_400,
        min_history_count: 1,
        min_expected: 1,
      },
    }
    expect(() => compileMatchRule(windowed)).toThrow(/not a match rule/)
  })
})
