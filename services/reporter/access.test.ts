import { describe, expect, it } from 'vitest'
import { RbacConfig } from '../../schemas/rbac.js'
import { createAccessPolicy } from '../platform/access-policy.js'
import { NO_ROLE, roleActivity, userActions, wantsUserDetail } from './access.js'

const rbac = RbacConfig.parse({})
const policy = createAccessPolicy(rbac)
const counts = (calls: number, succeeded: number, denied = 0, errors = 0) => ({
  calls,
  succeeded,
  denied,
  errors,
})

describe('report access figures', () => {
  it('counts calls by role, a call with two roles under each, and judges each method and tool', () => {
    const totals = [
      { roles: ['mcp-developer'], ...counts(10, 7, 2, 1) },
      { roles: ['mcp-developer', 'oncall'], ...counts(4, 4) },
      { roles: [], ...counts(5, 5) },
    ]
    const groups = [
      { roles: ['mcp-developer'], method: 'tools/call', tool: 'search', ...counts(6, 4, 1, 1) },
      { roles: ['mcp-developer'], method: 'tools/call', tool: 'write_file', ...counts(4, 3, 1) },
      { roles: ['mcp-developer', 'oncall'], method: 'tools/call', tool: 'grant_access', ...counts(4, 4) },
      { roles: [], method: 'tools/call', tool: 'write_file', ...counts(5, 5) },
    ]
    const result = roleActivity(rbac, policy, totals, groups)
    expect(result).toMatchObject({ calls: 19, withoutKnownRole: 5, notPermitted: 7 })
    expect(result.roles).toEqual([
      {
        role: 'mcp-developer',
        inMap: true,
        permissions: ['read', 'execute'],
        calls: 14,
        denied: 2,
        errors: 1,
        notPermitted: 7,
      },
      { role: NO_ROLE, inMap: false, permissions: [], calls: 5, denied: 0, errors: 0, notPermitted: 0 },
      { role: 'oncall', inMap: false, permissions: [], calls: 4, denied: 0, errors: 0, notPermitted: 4 },
    ])
  })

  it('fetches users for privileged or misused tools only, and lists both by user', () => {
    const group = (roles: string[], tool: string, succeeded = 1) => ({
      roles,
      method: 'tools/call',
      tool,
      ...counts(succeeded, succeeded),
    })
    expect(wantsUserDetail(policy, group(['mcp-developer'], 'search'))).toBe(false)
    expect(wantsUserDetail(policy, group(['mcp-user'], 'search'))).toBe(true)
    expect(wantsUserDetail(policy, group(['mcp-user'], 'search', 0))).toBe(false)
    expect(wantsUserDetail(policy, group(['mcp-admin'], 'write_file'))).toBe(true)

    const { privileged, misuse } = userActions(policy, [
      { ...group(['mcp-admin'], 'write_file', 3), user: 'u_a', userKind: 'pseudonym' },
      { ...group(['mcp-user'], 'search', 2), user: 'u_b', userKind: 'pseudonym' },
      { ...group([], 'drop_table'), user: 'svc-etl', userKind: 'service_account' },
    ])
    expect(privileged.map((a) => [a.user, a.tool, a.permission, a.verdict])).toEqual([
      ['u_a', 'write_file', 'write', 'permitted'],
      ['svc-etl', 'drop_table', 'write', 'unknown'],
    ])
    expect(misuse.map((a) => [a.user, a.tool, a.permission, a.succeeded])).toEqual([
      ['u_b', 'search', 'execute', 2],
    ])
  })
})
