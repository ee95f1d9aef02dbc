import { describe, expect, it } from 'vitest'
import { RbacConfig } from '../../schemas/rbac.js'
import { accessPolicies, createAccessPolicy } from './access-policy.js'

const seed = createAccessPolicy(RbacConfig.parse({}))
const call = (method: string, tool: string, roles: string[]) => seed.judge({ method, tool, roles })

describe('access policy', () => {
  it('classifies MCP methods and tools into the permission they need', () => {
    expect(seed.requiredPermission('tools/list', '')).toBe('read')
    expect(seed.requiredPermission('resources/read', '')).toBe('read')
    expect(seed.requiredPermission('prompts/get', '')).toBe('read')
    expect(seed.requiredPermission('tools/call', 'search_docs')).toBe('execute')
    expect(seed.requiredPermission('tools/call', 'write_file')).toBe('write')
    expect(seed.requiredPermission('tools/call', 'DeleteRepository')).toBe('write')
    expect(seed.requiredPermission('tools/call', 'grant_access')).toBe('admin')
    // Matched by write (*update*) and admin (*role*) globs: the more privileged one counts.
    expect(seed.requiredPermission('tools/call', 'update_user_role')).toBe('admin')
    // Reads named after what they read are not writes (the demo's list_commits was, with *commit*).
    expect(seed.requiredPermission('tools/call', 'list_commits')).toBe('execute')
    expect(seed.requiredPermission('tools/call', 'get_asset_tags')).toBe('execute')
    expect(seed.requiredPermission('tools/call', 'git_commit')).toBe('write')
    expect(seed.requiredPermission('tools/call', 'set_label')).toBe('write')
    expect(seed.requiredPermission('tools/call', 'issue_set_state')).toBe('write')
  })

  it('permits what one of the roles grants, with the seed roles by default', () => {
    expect(call('tools/list', '', ['mcp-user'])).toEqual({ kind: 'permitted', permission: 'read' })
    expect(call('tools/call', 'search_docs', ['mcp-user'])).toEqual({
      kind: 'not_permitted',
      permission: 'execute',
    })
    expect(call('tools/call', 'search_docs', ['mcp-developer']).kind).toBe('permitted')
    expect(call('tools/call', 'write_file', ['mcp-developer']).kind).toBe('not_permitted')
    expect(call('tools/call', 'write_file', ['mcp-developer', 'mcp-admin']).kind).toBe('permitted')
    expect(call('tools/call', 'grant_access', ['mcp-admin']).kind).toBe('permitted')
  })

  it('counts a caller with no role the map names as unknown, never as permitted or misuse', () => {
    expect(call('tools/call', 'write_file', [])).toEqual({ kind: 'unknown', permission: 'write' })
    expect(call('tools/call', 'write_file', ['developer', 'MCP-Admin']).kind).toBe('unknown')
    // One known role is enough to judge: the others grant nothing.
    expect(call('tools/call', 'write_file', ['developer', 'mcp-user']).kind).toBe('not_permitted')
  })

  it('follows a tenant that says which tools need which permission', () => {
    const policy = createAccessPolicy(
      RbacConfig.parse({
        roles: { reader: ['read'], operator: ['read', 'execute'], suspended: [] },
        tools: { read: ['read_*', 'list_*'], execute: ['read_secret*'], write: ['put_*'], admin: [] },
      }),
    )
    const judge = (tool: string, roles: string[]) => policy.judge({ method: 'tools/call', tool, roles })
    expect(judge('read_file', ['reader']).kind).toBe('permitted')
    // Matched by read and execute globs: the more privileged one counts (a wide glob cannot hide a tool).
    expect(judge('read_secret_value', ['reader'])).toEqual({ kind: 'not_permitted', permission: 'execute' })
    expect(judge('read_secret_value', ['operator']).kind).toBe('permitted')
    expect(judge('put_object', ['operator'])).toEqual({ kind: 'not_permitted', permission: 'write' })
    // The tenant's lists replace the defaults: without admin globs, grant_access is a plain call.
    expect(policy.requiredPermission('tools/call', 'grant_access')).toBe('execute')
    expect(policy.judge({ method: 'tools/list', tool: '', roles: ['suspended'] }).kind).toBe('not_permitted')
  })

  it('gives a tenant without configuration the default policy', () => {
    const policies = accessPolicies([
      { id: 'acme', rbac: RbacConfig.parse({ roles: { analyst: ['read', 'execute'] } }) },
    ])
    expect(policies.of('acme').knowsRole('analyst')).toBe(true)
    expect(policies.of('acme').knowsRole('mcp-admin')).toBe(false)
    expect(policies.of('other').knowsRole('mcp-admin')).toBe(true)
  })
})
