import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../schemas/audit-row.js'
import { RbacConfig } from '../../schemas/rbac.js'
import { auditRow } from '../../test/helpers/audit-row.js'
import { accessPolicies } from '../platform/access-policy.js'
import { PRIVILEGE_MISUSE_RULE, privilegeCandidates, UNMAPPED_ROLE_RULE } from './privilege-rules.js'

let sequence = 0
function row(changes: Partial<AuditRow>): AuditRow {
  sequence += 1
  return auditRow({
    event_id: `e${sequence}`,
    occurred_at: `2026-11-24T10:00:${String(sequence % 60).padStart(2, '0')}.000Z`,
    server_transport: 'stdio',
    client_name: 'claude-desktop',
    user_id: 'u_alice',
    user_roles: ['mcp-developer'],
    auth_method: 'oauth2',
    duration_ms: 1,
    source_offset: sequence,
    ...changes,
  })
}

const policies = accessPolicies([
  { id: 'acme', rbac: RbacConfig.parse({}) },
  { id: 'strict', rbac: RbacConfig.parse({ roles: { reader: ['read'] } }) },
])
const candidates = (rows: AuditRow[]) => privilegeCandidates(rows, policies.of)

describe('built-in privilege rules', () => {
  it("fires for a successful call the caller's roles do not permit, one incident per user and tool", () => {
    const misuse = [
      row({ tool: 'write_file' }),
      row({ tool: 'write_file' }),
      row({ tool: 'delete_file', user_id: 'u_bob' }),
    ]
    const found = candidates([
      ...misuse,
      row({ tool: 'read_file' }),
      row({ tool: 'write_file', user_roles: ['mcp-admin'] }),
      row({ tool: 'write_file', status: 'denied' }),
      row({ tool: 'write_file', status: 'error' }),
      row({ tool: 'write_file', origin: 'self' }),
    ])
    expect(found.map((c) => [c.rule.id, c.group, c.count, c.sampleEventIds])).toEqual([
      [
        PRIVILEGE_MISUSE_RULE.id,
        {
          tenant_id: 'acme',
          user_id: 'u_alice',
          user_roles: '["mcp-developer"]',
          method: 'tools/call',
          tool: 'write_file',
          required_permission: 'write',
        },
        2,
        [misuse[0]!.event_id, misuse[1]!.event_id],
      ],
      [
        PRIVILEGE_MISUSE_RULE.id,
        expect.objectContaining({ user_id: 'u_bob', tool: 'delete_file' }),
        1,
        [misuse[2]!.event_id],
      ],
    ])
    expect(found[0]!.firstSeen.getTime()).toBeLessThan(found[0]!.lastSeen.getTime())
  })

  it('judges each tenant by its own map, other methods needing read', () => {
    const found = candidates([
      row({ tenant_id: 'strict', user_roles: ['reader'], method: 'tools/list', tool: '' }),
      row({ tenant_id: 'strict', user_roles: ['reader'], tool: 'search' }),
    ])
    expect(found.map((c) => [c.tenantId, c.group.tool, c.group.required_permission])).toEqual([
      ['strict', 'search', 'execute'],
    ])
  })

  it('raises a separate low signal for privileged calls by callers without a known role', () => {
    const found = candidates([
      row({ tool: 'write_file', user_roles: [] }),
      row({ tool: 'write_file', user_roles: [], user_id: 'u_bob' }),
      row({ tool: 'grant_access', user_roles: ['developer'] }),
      // Not privileged: counted in the report only.
      row({ tool: 'read_file', user_roles: [] }),
      row({ method: 'resources/read', tool: '', user_roles: [] }),
    ])
    expect(UNMAPPED_ROLE_RULE.severity).toBe('low')
    expect(PRIVILEGE_MISUSE_RULE.severity).toBe('high')
    expect(found.map((c) => [c.rule.id, c.group, c.count])).toEqual([
      [
        UNMAPPED_ROLE_RULE.id,
        { tenant_id: 'acme', gateway: 'gw-eu-1', user_roles: '[]', required_permission: 'write' },
        2,
      ],
      [
        UNMAPPED_ROLE_RULE.id,
        { tenant_id: 'acme', gateway: 'gw-eu-1', user_roles: '["developer"]', required_permission: 'admin' },
        1,
      ],
    ])
  })
})
