import { describe, expect, it } from 'vitest'
import { AppConfig } from './config.js'
import { DEFAULT_ROLES, DEFAULT_TOOL_GLOBS } from './rbac.js'

/** Each problem as the start-up error prints it: the key, then what is wrong. */
function issuesOf(rbac: unknown): string[] {
  const result = AppConfig.safeParse({ tenants: [{ id: 'acme', rbac }] })
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

function rbacOf(rbac?: unknown) {
  return AppConfig.parse({ tenants: [{ id: 'acme', ...(rbac === undefined ? {} : { rbac }) }] }).tenants[0]!
    .rbac
}

describe('tenants[].rbac', () => {
  it('defaults to the seed design: three roles and the documented tool globs', () => {
    expect(rbacOf()).toEqual({ roles: DEFAULT_ROLES, tools: DEFAULT_TOOL_GLOBS })
    expect(DEFAULT_ROLES).toEqual({
      'mcp-user': ['read'],
      'mcp-developer': ['read', 'execute'],
      'mcp-admin': ['read', 'write', 'execute', 'admin'],
    })
  })

  it('replaces the roles as a whole and the tool globs per permission given', () => {
    const rbac = rbacOf({ roles: { analyst: ['read'] }, tools: { read: ['get_*'], admin: [] } })
    expect(rbac.roles).toEqual({ analyst: ['read'] })
    expect(rbac.tools).toEqual({ ...DEFAULT_TOOL_GLOBS, read: ['get_*'], admin: [] })
  })

  it('refuses malformed maps with errors naming the key', () => {
    expect(issuesOf({ roles: { 'mcp-user': ['read', 'delete'] } })).toEqual([
      'tenants.0.rbac.roles.mcp-user.1: unknown permission "delete": use read, write, execute or admin',
    ])
    expect(issuesOf({ roles: {} })).toEqual([
      'tenants.0.rbac.roles: name at least one role (or leave roles out for mcp-user, mcp-developer and mcp-admin)',
    ])
    expect(issuesOf({ roles: { 'mcp-user': 'read' } })[0]).toMatch(/^tenants\.0\.rbac\.roles\.mcp-user: /)
    expect(issuesOf({ tools: { write: ['*drop*', 'rm [a-z]*'] } })).toEqual([
      'tenants.0.rbac.tools.write.1: glob "rm [a-z]*" has whitespace or a control character; a glob is a tool name with * for any run of characters',
    ])
    expect(issuesOf({ tools: { delete: ['*'] } })[0]).toMatch(/^tenants\.0\.rbac\.tools: .*delete/)
    expect(issuesOf({ role: {} })[0]).toMatch(/^tenants\.0\.rbac: .*role/)
  })
})
